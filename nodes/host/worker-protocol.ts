/** Messages between WorkerRunner (UI-serving thread) and engine-worker (the engine's thread). */
import type { EngineEvent } from '../engine/events';
import type { RunResult } from '../engine/run-result';

export type ToWorker =
  { type: 'run'; runId: string; doc: unknown; outputs?: string[] } | { type: 'cancel'; runId: string };

export type FromWorker =
  { type: 'event'; event: EngineEvent } | { type: 'result'; runId: string; result: RunResult };
