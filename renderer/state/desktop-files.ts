/**
 * Files in desktop mode (the Electron preload's extras): Open through the native dialog, Save to
 * the tab's file — the main process asks before overwriting a file changed on disk since the tab
 * read it (`baseMtimeMs`), and asks where to save a path it did not see chosen in this session,
 * such as a tab restored from autosave — and Save As / Export through the native Save dialog.
 */
import type { DesktopExtras, SavedWorkflow } from '../../electron/desktop-api';
import type { WorkflowDocument } from '../../workflows/schema';
import { getTab, markSaved, openTab } from './editor-store';
import { toast } from './toast-store';

const WORKFLOW_EXT = /\.json$/i;

function stem(name: string): string {
  return name.replace(/\.(json|mp4|m4v|webm|mkv|mov)$/i, '');
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** A file name for the Save dialog: the tab's file name, else its title. */
export function suggestedFileName(tab: { title: string; path?: string }): string {
  const raw = tab.path ? baseName(tab.path) : tab.title;
  const clean = (
    stem(raw)
      .replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_')
      .trim() || 'workflow'
  ).slice(0, 120);
  return `${clean}.json`;
}

/** Native Open dialog → a new tab (path + mtime kept for Save). Returns the tab id. */
export async function openWithDialog(d: DesktopExtras): Promise<string | undefined> {
  try {
    const opened = await d.openWorkflowDialog();
    if (!opened) return undefined;
    const r = opened.result;
    if ('problems' in r) {
      toast(`${opened.name}: ${r.problems.map((p) => p.message).join(' ')}`, 'error', 8000);
      return undefined;
    }
    // a video holds its workflow but is never overwritten with JSON: only a .json keeps its path
    const isJson = WORKFLOW_EXT.test(opened.path);
    const id = openTab(r.doc, {
      title: r.doc.meta?.title ?? stem(opened.name),
      ...(isJson ? { path: opened.path, baseMtimeMs: opened.mtimeMs } : {}),
      dirty: r.migrated || r.fromVideo,
    });
    if (r.migrated) toast(`${opened.name} was made by an older version and has been upgraded.`);
    return id;
  } catch (e) {
    toast(`Could not open the workflow: ${(e as Error).message}`, 'error', 8000);
    return undefined;
  }
}

/**
 * Save: to the tab's file when it has one (the main process guards it), else — and for Save As —
 * through the Save dialog. Returns where it was written, or undefined when cancelled or failed.
 */
export async function saveWithDesktop(
  d: DesktopExtras,
  tabId: string,
  saveAs = false,
): Promise<SavedWorkflow | undefined> {
  const tab = getTab(tabId);
  if (!tab) return undefined;
  const doc = tab.history.doc;
  try {
    const saved =
      tab.path && !saveAs
        ? await d.saveWorkflowFile(tab.path, doc, tab.baseMtimeMs)
        : await d.saveWorkflowDialog(doc, suggestedFileName(tab));
    if (!saved) return undefined;
    // the tab may have changed while the dialog was open: only a tab still showing this document is clean
    const now = getTab(tabId);
    const sameDoc = now?.history.doc === doc;
    markSaved(
      tabId,
      {
        path: saved.path,
        baseMtimeMs: saved.mtimeMs,
        ...(saved.path !== tab.path ? { title: stem(saved.name) } : {}),
      },
      sameDoc,
    );
    return saved;
  } catch (e) {
    toast(`Could not save “${tab.title}”: ${(e as Error).message}`, 'error', 8000);
    return undefined;
  }
}

/** Export: the host's shareable copy, written where the user picks in the Save dialog. */
export async function exportWithDesktop(
  d: DesktopExtras,
  shareable: WorkflowDocument,
  tab: { title: string; path?: string },
): Promise<SavedWorkflow | undefined> {
  const saved = await d.saveWorkflowDialog(
    shareable,
    suggestedFileName(tab).replace(WORKFLOW_EXT, '-shared.json'),
  );
  return saved ?? undefined;
}
