/** A real-enough ExecContext (with a real model pool) for calling Wan node definitions directly. */
import type { Artifact, ExecContext, ModelPool, ProgressInfo } from '../../../nodes/sdk';
import { EngineModelPool } from '../../../nodes/engine/model-pool';

export interface TestContext extends ExecContext {
  progressLog: ProgressInfo[];
  logs: string[];
}

export function testContext(
  opts: { models?: ModelPool; settings?: Record<string, unknown>; dir?: string } = {},
): TestContext {
  const progressLog: ProgressInfo[] = [];
  const logs: string[] = [];
  const artifacts: Artifact[] = [];
  const ac = new AbortController();
  const log = (m: string): void => void logs.push(m);
  return {
    nodeId: 'test',
    signal: ac.signal,
    throwIfAborted: () => ac.signal.throwIfAborted(),
    progress: (p) => void progressLog.push(p),
    log: { debug: log, info: log, warn: log, error: log },
    tempDir: opts.dir ?? '/tmp',
    outputDir: opts.dir ?? '/tmp',
    models: opts.models ?? new EngineModelPool(),
    artifact: (a) => void artifacts.push(a),
    workflowJson: '',
    settings: opts.settings ?? { executionProvider: 'cpu', threads: 1 },
    progressLog,
    logs,
  };
}
