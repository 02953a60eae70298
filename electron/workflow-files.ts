/**
 * The dialog tasks behind File → Open / Save / Save As / Export: native dialogs, files read and
 * written here in main (never a generic fs bridge to the page). Saving without a dialog is only
 * allowed to a file the user picked in this session's dialogs; a file changed on disk since the
 * tab read it is only overwritten after the user says so.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join } from 'node:path';
import type { RequestName, RequestResults } from '../nodes/api/contract';
import { writeFileAtomic } from '../nodes/host/json-store';
import { saveWorkflow } from '../workflows/canonical';
import { WorkflowDocument } from '../workflows/schema';
import type { OpenedWorkflow, SavedWorkflow } from './desktop-api';
import type { BrowserWindowLike, DialogLike } from './electron-like';

/** workflow.import takes base64 of at most 512 MiB. */
export const MAX_OPEN_BYTES = 384 * 1024 * 1024;

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly code: 'bad_request' | 'forbidden' | 'internal' = 'bad_request',
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export interface WorkflowFilesDeps {
  dialog: DialogLike;
  window(): BrowserWindowLike | undefined;
  request<K extends RequestName>(name: K, params: unknown): Promise<RequestResults[K]>;
  /** Where the Open/Save dialogs start. */
  defaultDir(): string;
}

const WORKFLOW_FILTERS = [{ name: 'Wan Studio workflow', extensions: ['json'] }];

function parseDoc(doc: unknown): WorkflowDocument {
  const r = WorkflowDocument.safeParse(doc);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new UserFacingError(
      `The workflow to save is not a valid document (${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown problem'}).`,
    );
  }
  return r.data;
}

function safeFileName(name: unknown): string {
  const s = typeof name === 'string' ? name : '';
  const cleaned = basename(s.replace(/\\/g, '/'))
    .replace(/[<>:"|?*\x00-\x1f]/g, '_')
    .slice(0, 200)
    .trim();
  const stem = cleaned === '' ? 'workflow' : cleaned;
  return extname(stem).toLowerCase() === '.json' ? stem : `${stem}.json`;
}

export class WorkflowFiles {
  /** Paths the user chose in this session's dialogs: the only ones saved to without asking. */
  private readonly chosen = new Set<string>();

  constructor(private readonly deps: WorkflowFilesDeps) {}

  private win(): BrowserWindowLike {
    const w = this.deps.window();
    if (!w) throw new UserFacingError('There is no window to show the dialog in.', 'internal');
    return w;
  }

  async openWorkflowDialog(): Promise<OpenedWorkflow | null> {
    const r = await this.deps.dialog.showOpenDialog(this.win(), {
      title: 'Open Workflow',
      defaultPath: this.deps.defaultDir(),
      properties: ['openFile'],
      filters: [
        { name: 'Workflows and Wan Studio videos', extensions: ['json', 'mp4', 'm4v', 'mov', 'webm', 'mkv'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    const path = r.filePaths[0];
    if (r.canceled || !path) return null;
    const s = await stat(path);
    if (!s.isFile()) throw new UserFacingError(`"${path}" is not a file.`);
    if (s.size > MAX_OPEN_BYTES) {
      throw new UserFacingError(
        `"${basename(path)}" is too large to open (${Math.round(s.size / 2 ** 20)} MiB; at most ${MAX_OPEN_BYTES / 2 ** 20} MiB).`,
      );
    }
    const bytes = await readFile(path);
    const result = await this.deps.request('workflow.import', {
      name: basename(path),
      base64: bytes.toString('base64'),
    });
    // A video holds its workflow but is never overwritten with JSON: only .json files are saved to directly.
    if (extname(path).toLowerCase() === '.json') this.chosen.add(path);
    return { path, name: basename(path), mtimeMs: s.mtimeMs, result };
  }

  async saveWorkflowDialog(doc: unknown, suggestedName: unknown): Promise<SavedWorkflow | null> {
    return this.askAndSave(parseDoc(doc), join(this.deps.defaultDir(), safeFileName(suggestedName)));
  }

  private async askAndSave(valid: WorkflowDocument, defaultPath: string): Promise<SavedWorkflow | null> {
    const r = await this.deps.dialog.showSaveDialog(this.win(), {
      title: 'Save Workflow',
      defaultPath,
      filters: WORKFLOW_FILTERS,
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    });
    if (r.canceled || !r.filePath) return null;
    const path = extname(r.filePath).toLowerCase() === '.json' ? r.filePath : `${r.filePath}.json`;
    return this.write(path, valid);
  }

  async saveWorkflowFile(path: unknown, doc: unknown, baseMtimeMs: unknown): Promise<SavedWorkflow | null> {
    const valid = parseDoc(doc);
    if (typeof path !== 'string' || !this.chosen.has(path)) {
      // Not a file the user picked here (e.g. a tab restored from autosave): ask where to save.
      const suggested =
        typeof path === 'string' && isAbsolute(path)
          ? join(dirname(path), safeFileName(basename(path, extname(path))))
          : join(this.deps.defaultDir(), safeFileName(path));
      return this.askAndSave(valid, suggested);
    }
    if (typeof baseMtimeMs === 'number') {
      const now = await stat(path).catch(() => undefined);
      if (now && Math.abs(now.mtimeMs - baseMtimeMs) > 1) {
        const answer = await this.deps.dialog.showMessageBox(this.win(), {
          type: 'warning',
          title: 'File changed on disk',
          message: `"${basename(path)}" was changed by another program since it was opened.`,
          detail: 'Overwrite it with this tab, or save this tab as a new file?',
          buttons: ['Overwrite', 'Save As…', 'Cancel'],
          defaultId: 1,
          cancelId: 2,
        });
        if (answer.response === 2) return null;
        if (answer.response === 1) return this.askAndSave(valid, path);
      }
    }
    return this.write(path, valid);
  }

  private async write(path: string, doc: WorkflowDocument): Promise<SavedWorkflow> {
    try {
      await writeFileAtomic(path, saveWorkflow(doc));
    } catch (e) {
      throw new UserFacingError(`Could not save "${path}": ${(e as Error).message}`, 'internal');
    }
    this.chosen.add(path);
    const s = await stat(path);
    return { path, name: basename(path), mtimeMs: s.mtimeMs };
  }
}
