/** The event stream of one run, in the order the engine emits them. */
import type { Artifact, ImageBatch } from '../sdk/values';
import type { RunError, RunResult } from './run-result';

export type EngineEvent =
  /** `order`: every node of the plan, in execution order. */
  | { type: 'run_start'; runId: string; order: string[] }
  | { type: 'node_start'; runId: string; node: string }
  /** The node did not execute; `artifacts` repeats the files a cached output node wrote. */
  | { type: 'node_cached'; runId: string; node: string; artifacts?: Artifact[] }
  | {
      type: 'progress';
      runId: string;
      node: string;
      step: number;
      total: number;
      preview?: ImageBatch;
      message?: string;
    }
  | { type: 'node_done'; runId: string; node: string; ms: number; artifacts: Artifact[] }
  | { type: 'run_done'; runId: string; result: RunResult }
  | { type: 'run_error'; runId: string; error: RunError; result: RunResult }
  | { type: 'run_cancelled'; runId: string; result: RunResult };

export type EngineEventType = EngineEvent['type'];
