/**
 * The run queue: workflows run one at a time, in order; queued runs can be removed or
 * reordered, the running one cancelled. Transport-neutral (the server and Electron share it).
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowDocument } from '../../workflows/schema';
import type { EngineEvent } from '../engine/events';
import type { RunResult } from '../engine/run-result';
import type { QueueEntry } from '../api/contract';
import type { Runner } from './worker-runner';

interface Job {
  entry: QueueEntry;
  doc: WorkflowDocument;
  outputs?: string[];
  controller: AbortController;
}

export interface RunQueueHooks {
  onEngineEvent(e: EngineEvent): void;
  onQueueChanged(queue: QueueEntry[]): void;
  onFinished(job: {
    runId: string;
    label: string;
    startedAt: number;
    doc: WorkflowDocument;
    result: RunResult;
  }): void;
}

export class RunQueue {
  private jobs: Job[] = [];
  private running: Job | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly runner: () => Runner,
    private readonly hooks: RunQueueHooks,
  ) {}

  list(): QueueEntry[] {
    return [...(this.running ? [this.running.entry] : []), ...this.jobs.map((j) => j.entry)];
  }

  enqueue(doc: WorkflowDocument, opts: { outputs?: string[]; label?: string } = {}): string {
    const runId = randomUUID();
    const label = opts.label ?? doc.meta?.title ?? 'Untitled workflow';
    this.jobs.push({
      entry: { runId, label, state: 'queued', enqueuedAt: Date.now() },
      doc,
      ...(opts.outputs ? { outputs: opts.outputs } : {}),
      controller: new AbortController(),
    });
    this.changed();
    queueMicrotask(() => void this.pump());
    return runId;
  }

  /** Cancels the running job (stops within one sampler step) or drops a queued one. */
  cancel(runId: string): boolean {
    if (this.running?.entry.runId === runId) {
      this.running.controller.abort();
      return true;
    }
    return this.remove(runId);
  }

  remove(runId: string): boolean {
    const i = this.jobs.findIndex((j) => j.entry.runId === runId);
    if (i < 0) return false;
    this.jobs.splice(i, 1);
    this.changed();
    return true;
  }

  /** Moves a queued job to `index` among the queued jobs. */
  move(runId: string, index: number): boolean {
    const i = this.jobs.findIndex((j) => j.entry.runId === runId);
    if (i < 0) return false;
    const [job] = this.jobs.splice(i, 1);
    this.jobs.splice(Math.min(index, this.jobs.length), 0, job);
    this.changed();
    return true;
  }

  /** Resolves when nothing is running or queued. */
  idle(): Promise<void> {
    if (!this.running && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels everything (shutdown). */
  async stop(): Promise<void> {
    this.jobs = [];
    this.running?.controller.abort();
    await this.idle();
  }

  private changed(): void {
    this.hooks.onQueueChanged(this.list());
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    const job = this.jobs.shift();
    if (!job) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.running = job;
    job.entry.state = 'running';
    this.changed();
    const startedAt = Date.now();
    let result: RunResult;
    try {
      result = await this.runner().run(job.doc, {
        runId: job.entry.runId,
        signal: job.controller.signal,
        onEvent: (e) => this.hooks.onEngineEvent(e),
        ...(job.outputs ? { outputs: job.outputs } : {}),
      });
    } catch (e) {
      result = {
        ok: false,
        runId: job.entry.runId,
        outputs: [],
        nodes: {},
        error: { code: 'node_failed', message: e instanceof Error ? e.message : String(e) },
      };
    }
    this.running = undefined;
    this.hooks.onFinished({
      runId: job.entry.runId,
      label: job.entry.label,
      startedAt,
      doc: job.doc,
      result,
    });
    this.changed();
    await this.pump();
  }
}
