/**
 * Workflow files. Browser mode: open (file input / drop) through `workflow.import`, save and
 * save-as as downloads of the canonical JSON. Desktop mode (Electron preload): native dialogs and
 * save to the tab's file (desktop-files.ts). Both: export a shareable copy through
 * `workflow.export`, and autosave of every tab (document, file, viewport) through
 * `autosave.write`, restored from `autosave.read` on load.
 */
import type { SaveAutosave } from '../../nodes/api/contract';
import { saveWorkflow } from '../../workflows/canonical';
import { api, desktop } from '../bridge/api';
import { exportWithDesktop, openWithDialog, saveWithDesktop } from './desktop-files';
import { editorStore, getTab, markSaved, openTab, type EditorState } from './editor-store';
import { toast } from './toast-store';

export function downloadText(fileName: string, text: string, mime = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function safeFileName(title: string): string {
  return (title.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim() || 'workflow').slice(0, 120);
}

export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

/** Opens a workflow JSON, or a video made by Video Out, as a new tab. Returns the tab id. */
export async function importFile(file: File): Promise<string | undefined> {
  try {
    const r = await api()['workflow.import']({ name: file.name, base64: await fileToBase64(file) });
    if ('problems' in r) {
      toast(`${file.name}: ${r.problems.map((p) => p.message).join(' ')}`, 'error', 8000);
      return undefined;
    }
    const title = r.doc.meta?.title ?? file.name.replace(/\.(json|mp4|webm|mkv|mov)$/i, '');
    const id = openTab(r.doc, { title, dirty: r.migrated || r.fromVideo });
    if (r.migrated) toast(`${file.name} was made by an older version and has been upgraded.`);
    return id;
  } catch (e) {
    toast(`Could not open ${file.name}: ${(e as Error).message}`, 'error', 8000);
    return undefined;
  }
}

/** The selector of the hidden file input browser mode opens files with. */
export const OPEN_FILE_INPUT = '[data-testid="open-file-input"]';

/** File → Open: the native dialog in desktop mode, the browser's file picker otherwise. */
export async function openWorkflow(): Promise<void> {
  const d = desktop();
  if (d) {
    await openWithDialog(d);
    return;
  }
  document.querySelector<HTMLInputElement>(OPEN_FILE_INPUT)?.click();
}

/** File → Save / Save As: to the tab's file (desktop) or as a download (browser). */
export async function saveTab(tabId: string, saveAs = false): Promise<void> {
  const d = desktop();
  if (d) {
    await saveWithDesktop(d, tabId, saveAs);
    return;
  }
  downloadTab(tabId, saveAs);
}

/** Save (download) the tab's document in canonical form. */
export function downloadTab(tabId: string, saveAs = false): void {
  const tab = getTab(tabId);
  if (!tab) return;
  let title = tab.title;
  if (saveAs) {
    const answer = window.prompt('Save as', `${safeFileName(title)}.json`);
    if (answer === null) return;
    title = answer.replace(/\.json$/i, '') || title;
  }
  downloadText(`${safeFileName(title)}.json`, saveWorkflow(tab.history.doc));
  markSaved(tabId, { title });
}

/** A shareable copy (local paths removed) made by the host: saved through the dialog (desktop) or downloaded. */
export async function exportTab(tabId: string): Promise<void> {
  const tab = getTab(tabId);
  if (!tab) return;
  try {
    const r = await api()['workflow.export']({ doc: tab.history.doc });
    const d = desktop();
    if (d) await exportWithDesktop(d, r.doc, tab);
    else downloadText(`${safeFileName(tab.title)}.json`, r.json);
  } catch (e) {
    toast(`Export failed: ${(e as Error).message}`, 'error', 8000);
  }
}

// ---- autosave ----------------------------------------------------------------------------

function snapshot(s: EditorState): SaveAutosave {
  return {
    tabs: s.tabs.slice(0, 64).map((t) => ({
      id: t.id,
      title: t.title.slice(0, 200),
      ...(t.path !== undefined ? { path: t.path } : {}),
      ...(t.baseMtimeMs !== undefined ? { baseMtimeMs: t.baseMtimeMs } : {}),
      dirty: t.dirty,
      doc: t.history.doc,
      ...(t.viewport ? { viewport: { x: t.viewport.x, y: t.viewport.y, zoom: t.viewport.zoom } } : {}),
    })),
    ...(s.activeId !== undefined ? { activeTab: s.activeId } : {}),
  };
}

/** What autosave cares about: changes of documents, titles, files, viewports, tabs, active tab. */
function persistKey(s: EditorState): unknown[] {
  return [
    s.activeId,
    ...s.tabs.flatMap((t) => [t.id, t.title, t.dirty, t.path, t.baseMtimeMs, t.viewport, t.history.doc]),
  ];
}

const DEBOUNCE_MS = 300;
const MAX_WAIT_MS = 900;

/** Writes all tabs within ~1 s of each change. Returns a stop function. */
export function startAutosave(onSaved?: (at: number) => void): () => void {
  let lastKey = persistKey(editorStore.get());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstChangeAt = 0;
  let writing = false;
  let again = false;

  const flush = async () => {
    timer = undefined;
    if (writing) {
      again = true;
      return;
    }
    writing = true;
    try {
      const r = await api()['autosave.write'](snapshot(editorStore.get()));
      onSaved?.(r.savedAt);
    } catch (e) {
      toast(`Autosave failed: ${(e as Error).message}`, 'error');
    } finally {
      writing = false;
      if (again) {
        again = false;
        void flush();
      }
    }
  };

  const unsubscribe = editorStore.subscribe(() => {
    const key = persistKey(editorStore.get());
    if (key.length === lastKey.length && key.every((k, i) => k === lastKey[i])) return;
    lastKey = key;
    const now = Date.now();
    if (timer === undefined) firstChangeAt = now;
    else clearTimeout(timer);
    timer = setTimeout(
      () => void flush(),
      Math.max(0, Math.min(DEBOUNCE_MS, firstChangeAt + MAX_WAIT_MS - now)),
    );
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) clearTimeout(timer);
  };
}

/** Reopens the tabs of the last session. Returns whether any was restored. */
export async function restoreAutosave(): Promise<boolean> {
  let saved: SaveAutosave | null;
  try {
    saved = await api()['autosave.read']({});
  } catch {
    return false;
  }
  if (!saved || saved.tabs.length === 0) return false;
  for (const t of saved.tabs) {
    openTab(t.doc, {
      id: t.id,
      title: t.title,
      ...(t.path !== undefined ? { path: t.path } : {}),
      ...(t.baseMtimeMs !== undefined ? { baseMtimeMs: t.baseMtimeMs } : {}),
      dirty: t.dirty,
      restored: true,
      activate: false,
      ...(t.viewport ? { viewport: t.viewport } : {}),
    });
  }
  const active = saved.activeTab;
  editorStore.update((s) => ({
    ...s,
    activeId: active && s.tabs.some((t) => t.id === active) ? active : s.tabs[0]?.id,
  }));
  return true;
}
