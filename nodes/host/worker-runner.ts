/**
 * Runs workflows on an Engine living in a worker thread. ONNX Runtime's session.run() is
 * synchronous, so a host that also serves a UI (browser mode) must not run models on its own
 * thread. If the worker dies, the run in flight fails with a clear error and the next run
 * starts a fresh worker.
 */
import { Worker } from 'node:worker_threads';
import type { WorkflowDocument } from '../../workflows/schema';
import type { EngineEvent } from '../engine/events';
import type { RunResult } from '../engine/run-result';
import type { Settings } from './settings';
import type { FromWorker, ToWorker } from './worker-protocol';

export interface RunRequest {
  runId: string;
  signal: AbortSignal;
  onEvent: (e: EngineEvent) => void;
  outputs?: string[];
}

/** What RunQueue needs from an engine: in-process Engine and WorkerRunner both fit. */
export interface Runner {
  run(doc: WorkflowDocument, opts: RunRequest): Promise<RunResult>;
}

interface Pending {
  resolve: (r: RunResult) => void;
  onEvent: (e: EngineEvent) => void;
}

export class WorkerRunner implements Runner {
  private worker: Worker | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly settings: Settings) {}

  private spawn(): Worker {
    const worker = new Worker(new URL('./engine-worker-entry.mjs', import.meta.url), {
      workerData: this.settings,
    });
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'event') {
        this.pending.get(m.event.runId)?.onEvent(m.event);
      } else {
        this.pending.get(m.runId)?.resolve(m.result);
        this.pending.delete(m.runId);
      }
    });
    const fail = (why: string) => {
      this.worker = undefined;
      for (const [runId, p] of this.pending) {
        p.resolve({ ok: false, runId, outputs: [], nodes: {}, error: { code: 'node_failed', message: why } });
      }
      this.pending.clear();
    };
    worker.on('error', (e) => fail(`The engine stopped unexpectedly: ${e.message}`));
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(`The engine stopped unexpectedly (exit code ${code}).`);
    });
    return worker;
  }

  run(doc: WorkflowDocument, opts: RunRequest): Promise<RunResult> {
    this.worker ??= this.spawn();
    const worker = this.worker;
    return new Promise<RunResult>((resolve) => {
      this.pending.set(opts.runId, { resolve, onEvent: opts.onEvent });
      const send = (m: ToWorker) => worker.postMessage(m);
      opts.signal.addEventListener('abort', () => send({ type: 'cancel', runId: opts.runId }), {
        once: true,
      });
      send({ type: 'run', runId: opts.runId, doc, ...(opts.outputs ? { outputs: opts.outputs } : {}) });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
