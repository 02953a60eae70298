/**
 * The editor's state: open tabs, each with its workflow document + undo history, and — outside
 * the history — its selection, viewport and validation problems. (Seed controls live in the
 * document: they are saved with the workflow.)
 */
import type { Viewport } from '@xyflow/react';
import type { WorkflowProblem } from '../../workflows/problems';
import type { SeedControlMode, WorkflowDocument } from '../../workflows/schema';
import { emptyDocument, setSeedControl, type Doc } from './doc-ops';
import { applyEdit, initialHistory, redo, seal, undo, type DocHistory } from './history';
import { createStore, useStore } from './store-core';

export type SeedMode = SeedControlMode;

export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
  groups: readonly string[];
}

export interface Tab {
  id: string;
  title: string;
  /** Where the tab was last opened from / saved to (Electron), if anywhere. */
  path?: string;
  baseMtimeMs?: number;
  dirty: boolean;
  /** Restored from autosave at start-up (never written back to `path` silently). */
  restored?: boolean;
  history: DocHistory;
  selection: Selection;
  viewport?: Viewport;
  problems: readonly WorkflowProblem[];
}

export interface EditorState {
  tabs: readonly Tab[];
  activeId: string | undefined;
}

const NO_SELECTION: Selection = { nodes: [], edges: [], groups: [] };

export const editorStore = createStore<EditorState>({ tabs: [], activeId: undefined });

let tabCounter = 0;
function newTabId(): string {
  tabCounter += 1;
  return `t${Date.now().toString(36)}${tabCounter}`;
}

export interface OpenTabOptions {
  title?: string;
  path?: string;
  baseMtimeMs?: number;
  dirty?: boolean;
  restored?: boolean;
  id?: string;
  activate?: boolean;
  viewport?: Viewport;
}

export function openTab(doc: WorkflowDocument, opts: OpenTabOptions = {}): string {
  const id = opts.id ?? newTabId();
  const tab: Tab = {
    id,
    title: opts.title ?? doc.meta?.title ?? 'Untitled',
    ...(opts.path !== undefined ? { path: opts.path } : {}),
    ...(opts.baseMtimeMs !== undefined ? { baseMtimeMs: opts.baseMtimeMs } : {}),
    dirty: opts.dirty ?? false,
    ...(opts.restored ? { restored: true } : {}),
    history: initialHistory(doc),
    selection: NO_SELECTION,
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
    problems: [],
  };
  editorStore.update((s) => ({
    tabs: [...s.tabs, tab],
    activeId: opts.activate === false ? (s.activeId ?? id) : id,
  }));
  return id;
}

export function newTab(): string {
  return openTab(emptyDocument(), { title: 'Untitled' });
}

export function closeTab(id: string): void {
  editorStore.update((s) => {
    const i = s.tabs.findIndex((t) => t.id === id);
    if (i < 0) return s;
    const tabs = s.tabs.filter((t) => t.id !== id);
    const activeId = s.activeId === id ? (tabs[Math.min(i, tabs.length - 1)]?.id ?? undefined) : s.activeId;
    return { tabs, activeId };
  });
}

export function activateTab(id: string): void {
  editorStore.update((s) => (s.tabs.some((t) => t.id === id) ? { ...s, activeId: id } : s));
}

export function activeTab(s: EditorState = editorStore.get()): Tab | undefined {
  return s.tabs.find((t) => t.id === s.activeId);
}

export function getTab(id: string): Tab | undefined {
  return editorStore.get().tabs.find((t) => t.id === id);
}

function updateTab(id: string, fn: (t: Tab) => Tab): void {
  editorStore.update((s) => {
    let changed = false;
    const tabs = s.tabs.map((t) => {
      if (t.id !== id) return t;
      const n = fn(t);
      if (n !== t) changed = true;
      return n;
    });
    return changed ? { ...s, tabs } : s;
  });
}

/** One document edit, recorded for undo. Edits sharing `key` merge until sealed. */
export function editDoc(tabId: string, recipe: (draft: Doc) => void, key?: string): void {
  updateTab(tabId, (t) => {
    const history = applyEdit(t.history, recipe, key);
    return history === t.history ? t : { ...t, history, dirty: true };
  });
}

export function undoDoc(tabId: string): void {
  updateTab(tabId, (t) => {
    const history = undo(t.history);
    return history === t.history ? t : { ...t, history, dirty: true };
  });
}

export function redoDoc(tabId: string): void {
  updateTab(tabId, (t) => {
    const history = redo(t.history);
    return history === t.history ? t : { ...t, history, dirty: true };
  });
}

export function sealHistory(tabId: string): void {
  updateTab(tabId, (t) => {
    const history = seal(t.history);
    return history === t.history ? t : { ...t, history };
  });
}

export function setSelection(tabId: string, sel: Partial<Selection>): void {
  updateTab(tabId, (t) => {
    const next = { ...t.selection, ...sel };
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    if (
      same(next.nodes, t.selection.nodes) &&
      same(next.edges, t.selection.edges) &&
      same(next.groups, t.selection.groups)
    )
      return t;
    return { ...t, selection: next };
  });
}

export function setViewport(tabId: string, viewport: Viewport): void {
  updateTab(tabId, (t) =>
    t.viewport &&
    t.viewport.x === viewport.x &&
    t.viewport.y === viewport.y &&
    t.viewport.zoom === viewport.zoom
      ? t
      : { ...t, viewport },
  );
}

export function setProblems(tabId: string, problems: readonly WorkflowProblem[]): void {
  updateTab(tabId, (t) => (t.problems.length === 0 && problems.length === 0 ? t : { ...t, problems }));
}

/** Sets a seed's after-run mode: an edit of the document (saved with it, undoable). */
export function setSeedMode(tabId: string, node: string, input: string, mode: SeedMode): void {
  editDoc(tabId, (d) => setSeedControl(d, node, input, mode));
}

/**
 * After a save: where it went, and not dirty — unless `clean` is false (the tab was edited while
 * the save dialog was open, so what it shows is not what was written).
 */
export function markSaved(
  tabId: string,
  opts: { title?: string; path?: string; baseMtimeMs?: number } = {},
  clean = true,
): void {
  updateTab(tabId, (t) => {
    const { restored: _r, ...rest } = t;
    return { ...rest, ...opts, dirty: clean ? false : t.dirty };
  });
}

export function renameTab(tabId: string, title: string): void {
  updateTab(tabId, (t) => ({ ...t, title }));
}

export function useEditor<T>(select: (s: EditorState) => T): T {
  return useStore(editorStore, select);
}

export function useActiveTab(): Tab | undefined {
  return useEditor((s) => s.tabs.find((t) => t.id === s.activeId));
}
