/**
 * The headless engine: validates a workflow, plans it from the requested outputs backwards,
 * and runs only the nodes whose signature is not cached. Never imports electron or renderer/.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FileFolder, Logger } from '../sdk/define';
import type { WorkflowDocument } from '../../workflows/schema';
import type { WorkflowProblem } from '../../workflows/problems';
import { saveWorkflow } from '../../workflows/canonical';
import type { CachedResult } from './cached-result';
import { DEFAULT_DISK_CACHE_DIR, DiskCache } from './disk-cache';
import { CancelledError, errorMessage } from './errors';
import type { EngineEvent } from './events';
import { EngineModelPool } from './model-pool';
import { planRun } from './plan';
import type { NodeRegistry } from './registry';
import { ResultCache } from './result-cache';
import type { RunResult } from './run-result';
import { runPlan } from './run-loop';
import { analyzeWorkflow, type ValidateOptions } from './validate';

export const DEFAULT_CACHE_BYTES = 2 * 1024 ** 3;
export const DEFAULT_DISK_CACHE_BYTES = 20 * 1024 ** 3;

export interface EngineOptions {
  registry: NodeRegistry;
  /** Memory budget of the result cache (default 2 GiB). */
  cacheBytes?: number;
  /** On-disk cache for `persist` nodes; default `~/.cache/wan-studio/results`, 20 GiB. */
  diskCache?: { dir: string; maxBytes: number } | false;
  /** Where output nodes write files (created on first use). */
  outputDir: string;
  /** Parent of the per-run temp folders (default: the OS temp folder + /wan-studio). */
  tempRoot?: string;
  /** Roots searched for relative FILE values, per folder kind, in order. */
  folders?: Partial<Record<FileFolder, string[]>>;
  /** Passed to every node as `ctx.settings`. */
  settings?: Record<string, unknown>;
  logger?: Logger;
}

export interface RunOptions {
  /** Output node ids to produce; default: every output node. */
  outputs?: string[];
  signal?: AbortSignal;
  onEvent?: (e: EngineEvent) => void;
  runId?: string;
  /** Where relative FILE values are finally looked up (the workflow file's folder); default cwd. */
  baseDir?: string;
}

const consoleLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

const NEVER_ABORTED = new AbortController().signal;

export class Engine {
  readonly registry: NodeRegistry;
  /** The model pool (an EngineModelPool: `releaseAll()` on shutdown). */
  readonly models: EngineModelPool;
  private readonly memory: ResultCache<CachedResult>;
  private readonly disk: DiskCache | undefined;
  private readonly outputDir: string;
  private readonly tempRoot: string;
  private readonly folders: Partial<Record<FileFolder, string[]>>;
  private readonly settings: Readonly<Record<string, unknown>>;
  private readonly logger: Logger;
  private outputDirReady = false;

  constructor(opts: EngineOptions) {
    this.registry = opts.registry;
    this.models = new EngineModelPool();
    this.memory = new ResultCache(opts.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.logger = opts.logger ?? consoleLogger;
    const dc = opts.diskCache ?? { dir: DEFAULT_DISK_CACHE_DIR, maxBytes: DEFAULT_DISK_CACHE_BYTES };
    this.disk = dc === false ? undefined : new DiskCache({ ...dc, logger: this.logger });
    this.outputDir = resolve(opts.outputDir);
    this.tempRoot = opts.tempRoot ?? join(tmpdir(), 'wan-studio');
    this.folders = opts.folders ?? {};
    this.settings = Object.freeze({ ...(opts.settings ?? {}) });
  }

  validate(doc: WorkflowDocument, opts?: ValidateOptions): WorkflowProblem[] {
    return analyzeWorkflow(doc, this.registry, opts).problems;
  }

  /** Runs the workflow. Resolves (never rejects) for invalid, failed and cancelled runs too. */
  async run(doc: WorkflowDocument, opts: RunOptions = {}): Promise<RunResult> {
    const runId = opts.runId ?? randomUUID();
    const listener = opts.onEvent;
    const emit = listener
      ? (e: EngineEvent): void => {
          try {
            listener(e);
          } catch (err) {
            this.logger.warn(`An engine event listener threw: ${errorMessage(err)}`);
          }
        }
      : (): void => undefined;

    const analysis = analyzeWorkflow(doc, this.registry, { outputs: opts.outputs });
    if (analysis.problems.length > 0) {
      const problems = analysis.problems;
      const message =
        problems.length === 1
          ? problems[0].message
          : `The workflow has ${problems.length} problems; the first: ${problems[0].message}`;
      const result: RunResult = {
        ok: false,
        runId,
        outputs: [],
        nodes: {},
        error: { code: 'invalid', message },
        problems,
      };
      emit({ type: 'run_error', runId, error: result.error!, result });
      return result;
    }
    const signal = opts.signal ?? NEVER_ABORTED;
    if (signal.aborted) {
      const result: RunResult = {
        ok: false,
        runId,
        outputs: [],
        nodes: {},
        error: { code: 'cancelled', message: new CancelledError().message },
      };
      emit({ type: 'run_cancelled', runId, result });
      return result;
    }
    const plan = planRun(analysis.graph, analysis.outputs);
    let json: string | undefined;
    try {
      return await runPlan({
        runId,
        graph: analysis.graph,
        plan,
        memory: this.memory,
        disk: this.disk,
        folders: this.folders,
        baseDir: resolve(opts.baseDir ?? process.cwd()),
        tempRoot: this.tempRoot,
        outputDir: () => this.ensureOutputDir(),
        models: this.models,
        settings: this.settings,
        logger: this.logger,
        workflowJson: () => (json ??= saveWorkflow(doc)),
        signal,
        emit,
      });
    } catch (err) {
      // A bug or an I/O failure outside any node: still a result, never a rejection.
      const message = `The engine failed: ${errorMessage(err)}`;
      this.logger.error(message);
      const result: RunResult = {
        ok: false,
        runId,
        outputs: [],
        nodes: {},
        error: { code: 'node_failed', message },
      };
      emit({ type: 'run_error', runId, error: result.error!, result });
      return result;
    }
  }

  /** Forgets every in-memory result (the disk cache stays; see clearDiskCache). */
  clearCache(): void {
    this.memory.clear();
  }

  async clearDiskCache(): Promise<void> {
    await this.disk?.clear();
  }

  /** Entries and bytes held by the in-memory result cache. */
  cacheInfo(): { entries: number; bytes: number; maxBytes: number } {
    return { entries: this.memory.size, bytes: this.memory.bytes, maxBytes: this.memory.maxBytes };
  }

  private ensureOutputDir(): string {
    if (!this.outputDirReady) {
      mkdirSync(this.outputDir, { recursive: true });
      this.outputDirReady = true;
    }
    return this.outputDir;
  }
}
