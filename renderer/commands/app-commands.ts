/**
 * The editor's command table, wired to the stores, and its installation: one window keydown
 * listener and, in desktop mode, the native menu's commands. The toolbar runs the same entries.
 */
import { isMenuCommand } from '../../electron/commands';
import { desktop } from '../bridge/api';
import { activeCanvas } from '../editor/canvas-registry';
import { activeTab, newTab, redoDoc, sealHistory, undoDoc } from '../state/editor-store';
import { exportTab, openWorkflow, saveTab } from '../state/files';
import { cancelRun, currentRunId, runActiveTab } from '../state/run-actions';
import { deleteSelection, duplicateSelection, hasSelection, selectAll } from '../state/selection-ops';
import { toast } from '../state/toast-store';
import { setUi, uiStore } from '../state/ui-store';
import { createDispatcher, isEditable, type CommandTable, type Dispatcher } from './command-table';
import type { CommandId } from './keymap';

function withTab(fn: (tabId: string) => void | Promise<void>): () => void | Promise<void> {
  return () => {
    const t = activeTab();
    return t ? fn(t.id) : undefined;
  };
}

/** Runs a browser editing command in the focused text field (menu items while typing). */
function execInField(command: 'selectAll' | 'delete'): () => void {
  // execCommand is deprecated but remains the only way to run the native editing actions
  return () => void document.execCommand(command);
}

export function createAppCommands(): CommandTable {
  const tabHasSelection = () => {
    const t = activeTab();
    return !!t && hasSelection(t.id);
  };
  return {
    'file.new': { run: () => void newTab(), inTextFields: true },
    'file.open': { run: openWorkflow, inTextFields: true },
    'file.save': { run: withTab((id) => saveTab(id)), inTextFields: true },
    'file.saveAs': { run: withTab((id) => saveTab(id, true)), inTextFields: true },
    'file.export': { run: withTab(exportTab), inTextFields: true },
    // typing is recorded in the document's history, so undo works from text fields too
    'edit.undo': {
      run: withTab((id) => {
        sealHistory(id);
        undoDoc(id);
      }),
      inTextFields: true,
    },
    'edit.redo': {
      run: withTab((id) => {
        sealHistory(id);
        redoDoc(id);
      }),
      inTextFields: true,
    },
    'edit.delete': {
      run: withTab((id) => {
        const canvas = activeCanvas();
        if (canvas?.tabId === id) canvas.deleteSelection();
        else deleteSelection(id);
      }),
      enabled: tabHasSelection,
      inTextField: execInField('delete'),
    },
    'edit.selectAll': { run: withTab(selectAll), inTextField: execInField('selectAll') },
    'edit.duplicate': { run: withTab(duplicateSelection) },
    'edit.group': { run: () => activeCanvas()?.groupSelection() },
    'view.fit': { run: () => activeCanvas()?.fitView() },
    'view.zoomIn': { run: () => activeCanvas()?.zoomIn(), inTextFields: true },
    'view.zoomOut': { run: () => activeCanvas()?.zoomOut(), inTextFields: true },
    'view.toggleMinimap': { run: () => setUi({ minimap: !uiStore.get().minimap }) },
    'run.start': { run: async () => void (await runActiveTab()), inTextFields: true },
    'run.cancel': { run: () => cancelRun(), enabled: () => currentRunId() !== undefined },
  };
}

let dispatcher: Dispatcher | undefined;

/** The app's one dispatcher (keys, menu and toolbar share it). */
export function commands(): Dispatcher {
  dispatcher ??= createDispatcher(createAppCommands(), (e) =>
    toast(`That did not work: ${(e as Error).message}`, 'error', 6000),
  );
  return dispatcher;
}

/** Runs a command from a button. */
export function runCommand(id: CommandId): void {
  commands().run(id);
}

const focusInTextField = () => isEditable(document.activeElement);

/** Listens to keys (and, in desktop mode, the native menu). Returns a function that stops listening. */
export function installCommands(): () => void {
  const d = commands();
  const onKey = (e: KeyboardEvent) => void d.onKeyDown(e, focusInTextField());
  window.addEventListener('keydown', onKey);
  const offMenu = desktop()?.onMenuCommand((id) => {
    if (isMenuCommand(id)) d.onMenuCommand(id, focusInTextField());
  });
  return () => {
    window.removeEventListener('keydown', onKey);
    offMenu?.();
  };
}
