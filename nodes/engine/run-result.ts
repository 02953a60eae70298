/** What `Engine.run()` resolves with. A failed or cancelled run resolves too; it never throws. */
import type { Artifact } from '../sdk/values';
import type { WorkflowProblem } from '../../workflows/problems';

export interface RunOutput {
  node: string;
  path: string;
  kind: Artifact['kind'];
  mime: string;
}

export interface RunError {
  message: string;
  /** The node that failed, when one did. */
  node?: string;
  /** invalid: nothing ran (see `problems`); node_failed: a node threw; cancelled: aborted. */
  code: 'invalid' | 'node_failed' | 'cancelled';
}

export interface NodeRunStatus {
  /** `cached`: the node did not execute (its result, or a result downstream of it, was reused). */
  status: 'ran' | 'cached';
  ms: number;
}

export interface RunResult {
  ok: boolean;
  runId: string;
  outputs: RunOutput[];
  nodes: Record<string, NodeRunStatus>;
  error?: RunError;
  problems?: WorkflowProblem[];
}
