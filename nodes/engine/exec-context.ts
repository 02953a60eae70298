/**
 * The per-node `ExecContext`, and the run's temp folders: created only when a node first asks
 * for `ctx.tempDir`, all removed when the run ends.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecContext, Logger, ModelPool, ProgressInfo } from '../sdk/define';
import type { Artifact } from '../sdk/values';
import { CancelledError } from './errors';

export class RunTempDirs {
  private created = false;
  readonly root: string;

  constructor(tempRoot: string, runId: string) {
    this.root = join(tempRoot, 'run-' + safeName(runId));
  }

  /** The node's private folder, created on first use. */
  forNode(index: number, nodeId: string): string {
    const dir = join(this.root, `${index}-${safeName(nodeId)}`);
    mkdirSync(dir, { recursive: true });
    this.created = true;
    return dir;
  }

  async removeAll(): Promise<void> {
    if (this.created) await rm(this.root, { recursive: true, force: true });
  }
}

/** A file-name-safe form of an id (no ':' on Windows, no path separators). */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100) || '_';
}

/** What every node context of one run shares. */
export interface RunContextShared {
  signal: AbortSignal;
  temp: RunTempDirs;
  outputDir: () => string;
  models: ModelPool;
  workflowJson: () => string;
  settings: Readonly<Record<string, unknown>>;
  logger: Logger;
  onProgress: (node: string, info: ProgressInfo) => void;
}

/** Prefixes every line with the node id. */
class NodeLogger implements Logger {
  constructor(
    private readonly base: Logger,
    private readonly prefix: string,
  ) {}
  debug(m: string): void {
    this.base.debug(this.prefix + m);
  }
  info(m: string): void {
    this.base.info(this.prefix + m);
  }
  warn(m: string): void {
    this.base.warn(this.prefix + m);
  }
  error(m: string): void {
    this.base.error(this.prefix + m);
  }
}

/** One node execution's context. Folders and the logger are made only when asked for. */
export class NodeContext implements ExecContext {
  private dir: string | undefined;
  private logger: Logger | undefined;

  constructor(
    readonly nodeId: string,
    private readonly index: number,
    private readonly shared: RunContextShared,
    private readonly artifacts: Artifact[],
  ) {}

  get signal(): AbortSignal {
    return this.shared.signal;
  }
  throwIfAborted(): void {
    if (this.shared.signal.aborted) throw new CancelledError();
  }
  progress(info: ProgressInfo): void {
    this.shared.onProgress(this.nodeId, info);
  }
  get log(): Logger {
    return (this.logger ??= new NodeLogger(this.shared.logger, `[${this.nodeId}] `));
  }
  get tempDir(): string {
    return (this.dir ??= this.shared.temp.forNode(this.index, this.nodeId));
  }
  get outputDir(): string {
    return this.shared.outputDir();
  }
  get models(): ModelPool {
    return this.shared.models;
  }
  artifact(a: Artifact): void {
    this.artifacts.push(a);
  }
  get workflowJson(): string {
    return this.shared.workflowJson();
  }
  get settings(): Readonly<Record<string, unknown>> {
    return this.shared.settings;
  }
}
