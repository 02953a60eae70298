/**
 * Desktop mode without a browser or Electron: `window.api` is the real preload API
 * (createDesktopApi) over a fake ipcRenderer. Native menu commands and their keys run the same
 * commands; Open/Save/Save As go through the dialogs and save to the tab's file with its mtime (so
 * the main process can refuse to overwrite a newer file silently); autosave keeps viewports; seed
 * controls apply after each run started from the editor.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NodeCatalogEntry } from '../../../nodes/engine/catalog';
import { MENU_COMMAND_CHANNEL } from '../../../electron/channels';
import { createDesktopApi, type IpcRendererLike } from '../../../electron/preload-api';
import type { WorkflowDocument } from '../../../workflows/schema';
import { installCommands } from '../../../renderer/commands/app-commands';
import { catalogStore } from '../../../renderer/state/catalog-store';
import { indexCatalog } from '../../../renderer/state/doc-ops';
import {
  activeTab,
  editDoc,
  editorStore,
  getTab,
  openTab,
  setSeedMode,
  setViewport,
} from '../../../renderer/state/editor-store';
import { restoreAutosave, startAutosave } from '../../../renderer/state/files';
import { runStore } from '../../../renderer/state/run-store';
import { uiStore } from '../../../renderer/state/ui-store';

type Listener = (event: unknown, ...args: unknown[]) => void;

const invoked: Array<{ channel: string; args: unknown[] }> = [];
const answers = new Map<string, (args: unknown[]) => unknown>();
const ipcListeners = new Map<string, Set<Listener>>();
const ipc: IpcRendererLike = {
  invoke: (channel, ...args) => {
    invoked.push({ channel, args });
    const answer = answers.get(channel);
    return Promise.resolve({ ok: true, result: answer ? answer(args) : null });
  },
  on: (channel, l) => {
    if (!ipcListeners.has(channel)) ipcListeners.set(channel, new Set());
    ipcListeners.get(channel)!.add(l);
  },
  removeListener: (channel, l) => ipcListeners.get(channel)?.delete(l),
};

const keyListeners = new Set<(e: unknown) => void>();
const fakeWindow = {
  api: createDesktopApi(ipc),
  addEventListener: (type: string, l: (e: unknown) => void) => type === 'keydown' && keyListeners.add(l),
  removeEventListener: (type: string, l: (e: unknown) => void) => keyListeners.delete(l),
};
Object.assign(globalThis, { window: fakeWindow, document: { activeElement: null } });

function menu(command: string): void {
  for (const l of ipcListeners.get(MENU_COMMAND_CHANNEL) ?? []) l({}, command);
}

function press(key: string, mods: { ctrl?: boolean; shift?: boolean } = {}): { prevented: boolean } {
  const out = { prevented: false };
  const e = {
    key,
    code: '',
    ctrlKey: mods.ctrl ?? false,
    metaKey: false,
    shiftKey: mods.shift ?? false,
    altKey: false,
    defaultPrevented: false,
    preventDefault() {
      out.prevented = true;
      this.defaultPrevented = true;
    },
  };
  for (const l of keyListeners) l(e);
  return out;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

const calls = (channel: string) => invoked.filter((c) => c.channel === channel);
const lastCall = (channel: string) => calls(channel).at(-1);

const sampler: NodeCatalogEntry = {
  id: 't.sampler',
  version: 1,
  category: 'Test',
  title: 'Sampler',
  description: '',
  inputs: {
    seed: { type: 'INT', default: 0, min: 0, max: 1000, seed: true },
    steps: { type: 'INT', default: 4 },
  },
  outputs: {},
  output: true,
  persist: false,
  volatile: false,
};

function docWithSeed(seed: number): WorkflowDocument {
  return {
    schemaVersion: 1,
    nodes: {
      sampler: { type: 't.sampler', version: 1, position: { x: 0, y: 0 }, values: { seed, steps: 4 } },
    },
    edges: [],
  };
}

describe('desktop mode (preload API over a fake IPC)', () => {
  let uninstall: () => void;
  before(() => {
    catalogStore.set({ entries: [sampler], index: indexCatalog([sampler]), loaded: true });
    uninstall = installCommands();
  });
  after(() => uninstall());

  test('File → Open uses the native dialog; the tab keeps the file and its mtime', async () => {
    answers.set('desktop:openWorkflowDialog', () => ({
      path: '/work/flows/scene.json',
      name: 'scene.json',
      mtimeMs: 1000,
      result: { doc: docWithSeed(5), migrated: false, fromVideo: false },
    }));
    menu('file.open');
    await until('the opened tab', () => activeTab()?.path === '/work/flows/scene.json');
    const tab = activeTab()!;
    assert.equal(tab.title, 'scene');
    assert.equal(tab.baseMtimeMs, 1000);
    assert.equal(tab.dirty, false);
    // Ctrl+O runs the same command
    const before = calls('desktop:openWorkflowDialog').length;
    assert.equal(press('o', { ctrl: true }).prevented, true);
    await until('a second dialog', () => calls('desktop:openWorkflowDialog').length === before + 1);
  });

  test('Save writes to the tab’s file with the mtime it read; menu and Ctrl+S do the same', async () => {
    const tab = editorStore.get().tabs.find((t) => t.path === '/work/flows/scene.json')!;
    editorStore.update((s) => ({ ...s, activeId: tab.id }));
    editDoc(tab.id, (d) => void (d.nodes.sampler.values.steps = 8));
    assert.equal(getTab(tab.id)!.dirty, true);
    let mtime = 2000;
    answers.set('desktop:saveWorkflowFile', (args) => ({
      path: args[0],
      name: 'scene.json',
      mtimeMs: mtime++,
    }));

    assert.equal(
      press('s', { ctrl: true }).prevented,
      true,
      'the page handles Ctrl+S, so the menu does not fire too',
    );
    await until('the save', () => getTab(tab.id)!.dirty === false);
    const [path, doc, base] = lastCall('desktop:saveWorkflowFile')!.args as [
      string,
      WorkflowDocument,
      number,
    ];
    assert.equal(path, '/work/flows/scene.json');
    assert.equal(base, 1000);
    assert.equal(doc.nodes.sampler.values.steps, 8);
    assert.equal(getTab(tab.id)!.baseMtimeMs, 2000);

    menu('file.save');
    await until('the second save', () => calls('desktop:saveWorkflowFile').length === 2);
    assert.deepEqual(lastCall('desktop:saveWorkflowFile')!.args.slice(0, 1), ['/work/flows/scene.json']);
    assert.equal(lastCall('desktop:saveWorkflowFile')!.args[2], 2000, 'the mtime of the last write');
    assert.equal(calls('desktop:saveWorkflowDialog').length, 0);
  });

  test('Save As asks where; a cancelled dialog changes nothing', async () => {
    const id = activeTab()!.id;
    answers.set('desktop:saveWorkflowDialog', () => null);
    editDoc(id, (d) => void (d.nodes.sampler.values.steps = 9));
    press('S', { ctrl: true, shift: true });
    await until('the dialog', () => calls('desktop:saveWorkflowDialog').length === 1);
    assert.equal(lastCall('desktop:saveWorkflowDialog')!.args[1], 'scene.json');
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(getTab(id)!.dirty, true);
    assert.equal(getTab(id)!.path, '/work/flows/scene.json');

    answers.set('desktop:saveWorkflowDialog', () => ({
      path: '/work/flows/scene-v2.json',
      name: 'scene-v2.json',
      mtimeMs: 3000,
    }));
    menu('file.saveAs');
    await until('the save as', () => getTab(id)!.path === '/work/flows/scene-v2.json');
    assert.equal(getTab(id)!.title, 'scene-v2');
    assert.equal(getTab(id)!.baseMtimeMs, 3000);
    assert.equal(getTab(id)!.dirty, false);
  });

  test('a new tab has no file: Save opens the dialog', async () => {
    menu('file.new');
    const id = activeTab()!.id;
    assert.equal(activeTab()!.path, undefined);
    answers.set('desktop:saveWorkflowDialog', () => ({
      path: '/work/flows/Untitled.json',
      name: 'Untitled.json',
      mtimeMs: 4000,
    }));
    const before = calls('desktop:saveWorkflowDialog').length;
    press('s', { ctrl: true });
    await until('the dialog', () => calls('desktop:saveWorkflowDialog').length === before + 1);
    assert.equal(lastCall('desktop:saveWorkflowDialog')!.args[1], 'Untitled.json');
    await until('the tab to know its file', () => getTab(id)!.path === '/work/flows/Untitled.json');
  });

  test('Export writes the host’s shareable copy through the Save dialog, leaving the tab’s file alone', async () => {
    const id = activeTab()!.id;
    const shareable = docWithSeed(1);
    answers.set('api:workflow.export', () => ({ doc: shareable, json: '{}' }));
    answers.set('desktop:saveWorkflowDialog', () => ({
      path: '/tmp/x-shared.json',
      name: 'x-shared.json',
      mtimeMs: 1,
    }));
    const before = calls('desktop:saveWorkflowDialog').length;
    menu('file.export');
    await until('the export dialog', () => calls('desktop:saveWorkflowDialog').length === before + 1);
    assert.deepEqual(lastCall('desktop:saveWorkflowDialog')!.args, [shareable, 'Untitled-shared.json']);
    assert.equal(getTab(id)!.path, '/work/flows/Untitled.json');
  });

  test('a tab restored from autosave saves to its file with the saved mtime (the main process guards it) and keeps its viewport', async () => {
    answers.set('api:autosave.read', () => ({
      tabs: [
        {
          id: 'restored1',
          title: 'old',
          path: '/work/flows/old.json',
          baseMtimeMs: 77,
          dirty: true,
          doc: docWithSeed(3),
          viewport: { x: 12, y: -40, zoom: 0.5 },
        },
      ],
      activeTab: 'restored1',
    }));
    assert.equal(await restoreAutosave(), true);
    editorStore.update((s) => ({ ...s, activeId: 'restored1' }));
    const tab = getTab('restored1')!;
    assert.equal(tab.restored, true);
    assert.deepEqual(tab.viewport, { x: 12, y: -40, zoom: 0.5 });
    answers.set('desktop:saveWorkflowFile', () => null); // the user cancelled the "changed on disk" question
    menu('file.save');
    await until('the save', () => lastCall('desktop:saveWorkflowFile')?.args[0] === '/work/flows/old.json');
    assert.equal(lastCall('desktop:saveWorkflowFile')!.args[2], 77);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(getTab('restored1')!.dirty, true);
  });

  test('autosave writes each tab’s viewport', async () => {
    const stop = startAutosave();
    try {
      setViewport('restored1', { x: 100, y: 50, zoom: 1.5 });
      await until('an autosave', () => calls('api:autosave.write').length > 0);
      const saved = lastCall('api:autosave.write')!.args[0] as {
        tabs: Array<{ id: string; viewport?: unknown }>;
      };
      assert.deepEqual(saved.tabs.find((t) => t.id === 'restored1')?.viewport, { x: 100, y: 50, zoom: 1.5 });
    } finally {
      stop();
    }
  });

  test('menu and keys share undo, redo and the minimap toggle', () => {
    const id = activeTab()!.id;
    editDoc(id, (d) => void (d.nodes.sampler.values.steps = 12));
    menu('edit.undo');
    assert.equal(getTab(id)!.history.doc.nodes.sampler.values.steps, 4);
    press('Z', { ctrl: true, shift: true });
    assert.equal(getTab(id)!.history.doc.nodes.sampler.values.steps, 12);
    const shown = uiStore.get().minimap;
    menu('view.toggleMinimap');
    assert.equal(uiStore.get().minimap, !shown);
    press('M', { shift: true });
    assert.equal(uiStore.get().minimap, shown);
  });

  test('Delete removes the selection; with nothing selected the key is left alone', () => {
    const id = activeTab()!.id;
    assert.equal(press('Delete').prevented, false);
    editorStore.update((s) => ({
      ...s,
      tabs: s.tabs.map((t) =>
        t.id === id ? { ...t, selection: { nodes: ['sampler'], edges: [], groups: [] } } : t,
      ),
    }));
    assert.equal(press('Delete').prevented, true);
    assert.deepEqual(Object.keys(getTab(id)!.history.doc.nodes), []);
    menu('edit.undo');
    assert.deepEqual(Object.keys(getTab(id)!.history.doc.nodes), ['sampler']);
  });

  test('seed controls: increment adds one and randomize draws within min/max after each run', async () => {
    const id = openTab(docWithSeed(41), { title: 'seeds' });
    answers.set('api:workflow.validate', () => ({ problems: [] }));
    let n = 0;
    answers.set('api:run.enqueue', () => ({ runId: `run${++n}` }));
    setSeedMode(id, 'sampler', 'seed', 'increment');
    assert.deepEqual(getTab(id)!.history.doc.nodes.sampler.seedControl, { seed: 'increment' });
    menu('run.start');
    await until('the first seed change', () => getTab(id)!.history.doc.nodes.sampler.values.seed === 42);
    press('Enter', { ctrl: true });
    await until('the second seed change', () => getTab(id)!.history.doc.nodes.sampler.values.seed === 43);
    // the run got the document as it was when enqueued
    const enqueued = calls('api:run.enqueue').map(
      (c) => (c.args[0] as { doc: WorkflowDocument }).doc.nodes.sampler.values.seed,
    );
    assert.deepEqual(enqueued.slice(-2), [41, 42]);
    assert.equal(runStore.get().runDocs.run1?.nodes.sampler.values.seed, 41);

    setSeedMode(id, 'sampler', 'seed', 'randomize');
    const seen = new Set<unknown>();
    for (let i = 0; i < 5; i++) {
      const runs = runStore.get().runDocs;
      menu('run.start');
      // the seed changes right after the run is bound to the tab (a draw may repeat a value)
      await until('the run', () => runStore.get().runDocs !== runs);
      const v = getTab(id)!.history.doc.nodes.sampler.values.seed as number;
      assert.ok(Number.isInteger(v) && v >= 0 && v <= 1000, String(v));
      seen.add(v);
    }
    assert.ok(seen.size > 1, 'randomize draws different seeds');

    setSeedMode(id, 'sampler', 'seed', 'fixed');
    assert.equal(getTab(id)!.history.doc.nodes.sampler.seedControl, undefined);
  });
});
