/**
 * The one typed API between a UI (the React editor) and the engine host. The Electron preload
 * implements it over IPC, browser mode over HTTP + WebSocket; tests use both. Pure data and zod:
 * importable by the renderer, the server and the Electron main process alike.
 *
 * Every request's params are validated with zod on the host side before use.
 */
import { z } from 'zod';
import { WorkflowDocument } from '../../workflows/schema';
import type { WorkflowProblem } from '../../workflows/problems';
import type { NodeCatalog } from '../engine/catalog';
import type { EngineEvent } from '../engine/events';
import type { RunResult } from '../engine/run-result';
import type { Settings } from '../host/settings';
import { FILE_FOLDERS } from '../sdk/define';
import type { FileFolder } from '../sdk/define';

export const RunOptions = z.strictObject({
  outputs: z.array(z.string().max(64)).max(1000).optional(),
  /** Shown in the queue and history. */
  label: z.string().max(200).optional(),
});

/** The FILE_FOLDERS `files.list` accepts: every one except 'workflows' and 'output'. */
const LISTED_FOLDERS = FILE_FOLDERS.filter(
  (f): f is Exclude<FileFolder, 'workflows' | 'output'> => f !== 'workflows' && f !== 'output',
);
export const FolderKind = z.enum(LISTED_FOLDERS);

export const SaveAutosave = z.strictObject({
  tabs: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64),
        title: z.string().max(200),
        /** Where the tab was last saved/opened, if anywhere. */
        path: z.string().max(4096).optional(),
        /** mtime (ms) of `path` when the tab last read or wrote it — guards against overwriting newer files. */
        baseMtimeMs: z.number().optional(),
        dirty: z.boolean(),
        doc: WorkflowDocument,
        /** The canvas pan (x, y in screen px) and zoom when last seen. */
        viewport: z
          .strictObject({
            x: z.number().finite(),
            y: z.number().finite(),
            zoom: z.number().finite().positive(),
          })
          .optional(),
      }),
    )
    .max(64),
  activeTab: z.string().max(64).optional(),
});
export type SaveAutosave = z.infer<typeof SaveAutosave>;

export const SettingsPatch = z.record(z.string(), z.unknown());

export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  /** data: URL or URL served by the host. */
  thumbnail?: string;
  doc: WorkflowDocument;
}

export interface QueueEntry {
  runId: string;
  label: string;
  state: 'queued' | 'running';
  enqueuedAt: number;
}

export interface HistoryEntry extends RunResult {
  label: string;
  startedAt: number;
  /** The exact workflow that ran. */
  doc: WorkflowDocument;
}

export interface FileEntry {
  name: string;
  size: number;
  /** Absolute path of the file on the host (for `fileUrl` thumbnails). */
  path?: string;
  /** For images: a URL the UI can show as a thumbnail. */
  url?: string;
}

export interface ImportedWorkflow {
  doc: WorkflowDocument;
  migrated: boolean;
  fromVideo: boolean;
}

/**
 * Request channels: name → params schema + result type. Both transports are derived from this
 * one map, and a type-level test fails when a handler is missing or extra.
 */
export const requestSchemas = {
  'nodes.catalog': z.strictObject({}),
  'templates.list': z.strictObject({}),
  'workflow.validate': z.strictObject({ doc: z.unknown() }),
  /** Bytes of a dropped/opened file (workflow JSON or a video made by Video Out), base64. */
  'workflow.import': z.strictObject({
    name: z.string().max(1024),
    base64: z.string().max(512 * 1024 * 1024),
  }),
  /** A shareable copy: local absolute paths removed, models referenced by file name + folder kind. */
  'workflow.export': z.strictObject({ doc: WorkflowDocument }),
  'run.enqueue': z.strictObject({ doc: z.unknown(), options: RunOptions.optional() }),
  'run.cancel': z.strictObject({ runId: z.string().max(64) }),
  'queue.list': z.strictObject({}),
  'queue.remove': z.strictObject({ runId: z.string().max(64) }),
  'queue.move': z.strictObject({ runId: z.string().max(64), index: z.number().int().min(0) }),
  'history.list': z.strictObject({ limit: z.number().int().min(1).max(1000).optional() }),
  'files.list': z.strictObject({ folder: FolderKind }),
  'autosave.write': SaveAutosave,
  'autosave.read': z.strictObject({}),
  'settings.get': z.strictObject({}),
  'settings.update': z.strictObject({ patch: SettingsPatch }),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestParams<K extends RequestName> = z.infer<(typeof requestSchemas)[K]>;

export interface RequestResults {
  'nodes.catalog': NodeCatalog;
  'templates.list': TemplateInfo[];
  'workflow.validate': { problems: WorkflowProblem[] };
  'workflow.import': ImportedWorkflow | { problems: WorkflowProblem[] };
  'workflow.export': { doc: WorkflowDocument; json: string };
  'run.enqueue': { runId: string } | { problems: WorkflowProblem[] };
  'run.cancel': { cancelled: boolean };
  'queue.list': QueueEntry[];
  'queue.remove': { removed: boolean };
  'queue.move': { moved: boolean };
  'history.list': HistoryEntry[];
  'files.list': FileEntry[];
  'autosave.write': { savedAt: number };
  'autosave.read': SaveAutosave | null;
  'settings.get': Settings;
  'settings.update': Settings;
}

/** Events pushed from the host to every connected UI. */
/** Engine events as UIs receive them: the preview image travels as a PNG data URL. */
export type UiEngineEvent =
  | Exclude<EngineEvent, { type: 'progress' }>
  | (Omit<Extract<EngineEvent, { type: 'progress' }>, 'preview'> & { previewUrl?: string });

export type HostEvent =
  | { channel: 'engine'; event: UiEngineEvent }
  | { channel: 'queue'; queue: QueueEntry[] }
  | { channel: 'history'; entry: HistoryEntry };

/** The API a UI holds (window.api in Electron, a WebSocket client in browser mode). */
export type StudioApi = {
  [K in RequestName]: (params: RequestParams<K>) => Promise<RequestResults[K]>;
} & {
  /** Subscribe to host events; returns an unsubscribe function. */
  onEvent(listener: (e: HostEvent) => void): () => void;
};

/** An error answered to a request: code + a sentence naming what is wrong and where. */
export interface ApiError {
  code: 'bad_request' | 'not_found' | 'internal' | 'forbidden';
  message: string;
  /** zod issue paths for bad_request. */
  issues?: Array<{ path: (string | number)[]; message: string }>;
}
