/**
 * The engine host behind every UI: implements each request of the API contract (validated with
 * zod first), owns the engine, the run queue, history, autosave and settings, and fans events
 * out to listeners. Browser mode (HTTP + WebSocket) and the Electron utility process are thin
 * transports over this class.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { saveWorkflow } from '../../workflows/canonical';
import { parseWorkflow } from '../../workflows/load';
import type { WorkflowDocument } from '../../workflows/schema';
import type { WorkflowProblem } from '../../workflows/problems';
import {
  requestSchemas,
  SaveAutosave,
  type HostEvent,
  type FileEntry,
  type UiEngineEvent,
  type RequestName,
  type RequestResults,
} from '../api/contract';
import type { Engine } from '../engine/engine';
import type { EngineEvent } from '../engine/events';
import { createEngine, folderRoots } from './engine-factory';
import { shareableCopy } from './export';
import { RunHistory } from './history';
import { readJsonFile, writeFileAtomic } from './json-store';
import { loadWorkflowFile } from './load-workflow-file';
import { previewToDataUrl } from './preview-url';
import { RunQueue } from './run-queue';
import { WorkerRunner } from './worker-runner';
import { defaultSettings, Settings } from './settings';
import { listTemplates } from './templates';

/** A request answered with an error the UI shows: code + a sentence naming what is wrong and where. */
export class ApiRequestError extends Error {
  constructor(
    readonly code: 'bad_request' | 'not_found' | 'forbidden' | 'internal',
    message: string,
    readonly issues?: Array<{ path: (string | number)[]; message: string }>,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const FOLDER_EXTENSIONS: Record<string, string[]> = {
  diffusion_models: ['.safetensors', '.pth', '.pt'],
  text_encoders: ['.safetensors', '.pth', '.pt'],
  vae: ['.safetensors', '.pth', '.pt'],
  tokenizers: ['.json'],
  images: ['.png', '.jpg', '.jpeg'],
  videos: ['.mp4', '.webm', '.gif'],
};

export interface StudioHostOptions {
  /** Where settings, autosave and history live. */
  dataDir: string;
  /** Starting settings (persisted settings in dataDir override them). */
  settings?: Settings;
  /**
   * Run workflows on a worker thread (browser mode: the HTTP server's thread must stay free).
   * The Electron utility process is already off the UI's process and runs them in-process.
   */
  engineInWorker?: boolean;
}

type Handlers = { [K in RequestName]: (params: never) => RequestResults[K] | Promise<RequestResults[K]> };

export class StudioHost {
  private settings: Settings;
  /** Validation, catalog and (in-process mode) runs. */
  private engine: Engine;
  private worker: WorkerRunner | undefined;
  private readonly queue: RunQueue;
  private readonly history: RunHistory;
  private readonly listeners = new Set<(e: HostEvent) => void>();

  private constructor(
    private readonly dataDir: string,
    settings: Settings,
    private readonly inWorker: boolean,
  ) {
    this.settings = settings;
    this.engine = createEngine(settings);
    this.worker = inWorker ? new WorkerRunner(settings) : undefined;
    this.history = new RunHistory(join(dataDir, 'history.jsonl'));
    this.queue = new RunQueue(() => this.worker ?? this.engine, {
      onEngineEvent: (e) => this.emit({ channel: 'engine', event: toUiEvent(e) }),
      onQueueChanged: (queue) => this.emit({ channel: 'queue', queue }),
      onFinished: ({ runId, label, startedAt, doc, result }) => {
        const entry = { ...result, runId, label, startedAt, doc };
        void this.history.add(entry).then(() => this.emit({ channel: 'history', entry }));
      },
    });
  }

  static async create(opts: StudioHostOptions): Promise<StudioHost> {
    let settings = opts.settings ?? defaultSettings();
    const saved = await readJsonFile(join(opts.dataDir, 'settings.json'));
    if (saved?.ok) {
      const merged = Settings.safeParse({ ...settings, ...(saved.value as object) });
      if (merged.success) settings = merged.data;
    }
    const host = new StudioHost(opts.dataDir, settings, opts.engineInWorker ?? false);
    await host.history.load();
    return host;
  }

  onEvent(listener: (e: HostEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  /** Validates `params` against the contract, then answers the request. */
  async handle<K extends RequestName>(name: K, params: unknown): Promise<RequestResults[K]> {
    const schema = requestSchemas[name] as (typeof requestSchemas)[RequestName] | undefined;
    if (!schema) throw new ApiRequestError('not_found', `Unknown request "${String(name)}".`);
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path as (string | number)[],
        message: i.message,
      }));
      throw new ApiRequestError(
        'bad_request',
        `Bad parameters for "${name}": ` +
          issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
        issues,
      );
    }
    const handler = this.handlers[name] as (p: unknown) => RequestResults[K] | Promise<RequestResults[K]>;
    return await handler(parsed.data);
  }

  async close(): Promise<void> {
    await this.queue.stop();
    await this.worker?.close();
  }

  private emit(e: HostEvent): void {
    for (const l of this.listeners) l(e);
  }

  private parseDoc(raw: unknown): { doc: WorkflowDocument } | { problems: WorkflowProblem[] } {
    const r = parseWorkflow(JSON.stringify(raw), { nodeTypes: (t) => this.engine.registry.get(t) });
    return r.ok ? { doc: r.doc } : { problems: r.problems };
  }

  private readonly handlers: Handlers = {
    'nodes.catalog': () => this.engine.registry.catalog(),
    'templates.list': async () => listTemplates(this.engine.registry),
    'workflow.validate': (p: { doc: unknown }) => {
      const r = this.parseDoc(p.doc);
      return 'problems' in r ? r : { problems: this.engine.validate(r.doc) };
    },
    'workflow.import': async (p: { name: string; base64: string }) => {
      const dir = await mkdtemp(join(tmpdir(), 'wan-import-'));
      try {
        const safeExt = /^\.[A-Za-z0-9]{1,8}$/.test(extname(p.name)) ? extname(p.name) : '';
        const file = join(dir, `import${safeExt}`);
        await writeFile(file, Buffer.from(p.base64, 'base64'));
        const r = await loadWorkflowFile(file, this.engine.registry);
        if (!r.ok)
          return { problems: r.problems.map((x) => ({ ...x, message: x.message.split(file).join(p.name) })) };
        return { doc: r.doc, migrated: r.migrated, fromVideo: r.fromVideo };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    'workflow.export': (p: { doc: WorkflowDocument }) => {
      const doc = shareableCopy(p.doc, this.engine.registry);
      return { doc, json: saveWorkflow(doc) };
    },
    'run.enqueue': (p: { doc: unknown; options?: { outputs?: string[]; label?: string } }) => {
      const r = this.parseDoc(p.doc);
      if ('problems' in r) return r;
      const problems = this.engine.validate(
        r.doc,
        p.options?.outputs ? { outputs: p.options.outputs } : undefined,
      );
      if (problems.length > 0) return { problems };
      return { runId: this.queue.enqueue(r.doc, p.options ?? {}) };
    },
    'run.cancel': (p: { runId: string }) => ({ cancelled: this.queue.cancel(p.runId) }),
    'queue.list': () => this.queue.list(),
    'queue.remove': (p: { runId: string }) => ({ removed: this.queue.remove(p.runId) }),
    'queue.move': (p: { runId: string; index: number }) => ({ moved: this.queue.move(p.runId, p.index) }),
    'history.list': (p: { limit?: number }) => this.history.list(p.limit),
    'files.list': async (p: { folder: keyof typeof FOLDER_EXTENSIONS }) => this.listFiles(p.folder),
    'autosave.write': async (p: SaveAutosave) => {
      await writeFileAtomic(join(this.dataDir, 'autosave.json'), JSON.stringify(p));
      return { savedAt: Date.now() };
    },
    'autosave.read': async () => {
      const r = await readJsonFile(join(this.dataDir, 'autosave.json'));
      if (!r?.ok) return null;
      const parsed = SaveAutosave.safeParse(r.value);
      return parsed.success ? parsed.data : null;
    },
    'settings.get': () => this.settings,
    'settings.update': async (p: { patch: Record<string, unknown> }) => {
      const parsed = Settings.safeParse({ ...this.settings, ...p.patch });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          path: i.path as (string | number)[],
          message: i.message,
        }));
        throw new ApiRequestError(
          'bad_request',
          `Invalid settings: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      await writeFileAtomic(join(this.dataDir, 'settings.json'), JSON.stringify(parsed.data, null, 2));
      this.settings = parsed.data;
      await this.queue.idle();
      this.engine = createEngine(this.settings);
      if (this.inWorker) {
        await this.worker?.close();
        this.worker = new WorkerRunner(this.settings);
      }
      return this.settings;
    },
  };

  private async listFiles(folder: string) {
    const roots = folderRoots(this.settings)[folder as keyof ReturnType<typeof folderRoots>] ?? [];
    const exts = FOLDER_EXTENSIONS[folder] ?? [];
    const seen = new Set<string>();
    const out: FileEntry[] = [];
    for (const root of roots) {
      let names: string[];
      try {
        names = await readdir(root);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (seen.has(name) || !exts.includes(extname(name).toLowerCase())) continue;
        const s = await stat(join(root, name)).catch(() => undefined);
        if (!s?.isFile()) continue;
        seen.add(name);
        out.push({ name, size: s.size, path: join(root, name) });
      }
    }
    return out;
  }
}

/** Engine events as UIs receive them: preview images as PNG data URLs (JSON-safe). */
function toUiEvent(e: EngineEvent): UiEngineEvent {
  if (e.type !== 'progress' || !e.preview) return e;
  const { preview, ...rest } = e;
  return { ...rest, previewUrl: previewToDataUrl(preview) };
}
