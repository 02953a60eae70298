/**
 * What the Electron preload exposes as `window.api`: the contract's StudioApi (one function per
 * request) plus a few task-level desktop functions. Never a generic invoke/send. Types only.
 */
import type { RequestResults, StudioApi } from '../nodes/api/contract';
import type { WorkflowDocument } from '../workflows/schema';
import type { MenuCommand } from './commands';

/** A workflow file the user picked in the native Open dialog, imported by the engine. */
export interface OpenedWorkflow {
  /** Absolute path of the chosen file. */
  path: string;
  /** Its file name (for the tab title). */
  name: string;
  /** mtime (ms) when read: pass it back to `saveWorkflowFile` to guard against overwriting newer edits. */
  mtimeMs: number;
  /** The engine's answer to `workflow.import` for the file's bytes (a document, or problems). */
  result: RequestResults['workflow.import'];
}

/** Where a workflow was written. */
export interface SavedWorkflow {
  path: string;
  name: string;
  mtimeMs: number;
}

/** The desktop-only extras beside the contract's requests. */
export interface DesktopExtras {
  /** A URL the page can load for an output/input file path given by the host. */
  fileUrl(path: string): string;
  /** Native Open dialog → the file read and imported; null when the user cancels. */
  openWorkflowDialog(): Promise<OpenedWorkflow | null>;
  /** Native Save dialog → the document written (canonical JSON); null when the user cancels. */
  saveWorkflowDialog(doc: WorkflowDocument, suggestedName: string): Promise<SavedWorkflow | null>;
  /**
   * Saves to a file the user chose in this session's Open/Save dialogs. Any other path, or a file
   * changed on disk since `baseMtimeMs`, asks the user first (Save dialog / overwrite question);
   * null when the user cancels.
   */
  saveWorkflowFile(path: string, doc: WorkflowDocument, baseMtimeMs?: number): Promise<SavedWorkflow | null>;
  /** Native menu commands; returns an unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

export type DesktopApi = StudioApi & DesktopExtras;

/** The names `window.api` holds besides the contract's request names. */
export const DESKTOP_EXTRA_NAMES = [
  'onEvent',
  'fileUrl',
  'openWorkflowDialog',
  'saveWorkflowDialog',
  'saveWorkflowFile',
  'onMenuCommand',
] as const satisfies ReadonlyArray<keyof DesktopExtras | 'onEvent'>;
