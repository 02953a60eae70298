/** A minimal ExecContext for calling node definitions' `execute` directly in tests. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact, ExecContext, ModelPool, ProgressInfo } from '../../../nodes/sdk';

export interface FakeContext extends ExecContext {
  artifacts: Artifact[];
  progressLog: ProgressInfo[];
  logs: string[];
  abort(): void;
  /** Removes the context's temp and (default) output folders. */
  dispose(): Promise<void>;
}

const noPool: ModelPool = {
  acquire: () => Promise.reject(new Error('no models in this test')),
  release: () => Promise.resolve(false),
  has: () => false,
  keys: () => [],
};

export class FakeCancelled extends Error {
  override name = 'CancelledError';
}

export async function fakeContext(
  opts: {
    outputDir?: string;
    workflowJson?: string;
    settings?: Record<string, unknown>;
    /** Abort the run when a progress report reaches this step. */
    abortAtStep?: number;
  } = {},
): Promise<FakeContext> {
  const ac = new AbortController();
  const root = await mkdtemp(join(tmpdir(), 'wan-node-'));
  const outputDir = opts.outputDir ?? join(root, 'out');
  const tempDir = join(root, 'tmp');
  await mkdir(outputDir, { recursive: true });
  await mkdir(tempDir);
  const artifacts: Artifact[] = [];
  const progressLog: ProgressInfo[] = [];
  const logs: string[] = [];
  const log = (level: string) => (m: string) => void logs.push(`${level}: ${m}`);
  return {
    nodeId: 'n1',
    signal: ac.signal,
    throwIfAborted() {
      if (ac.signal.aborted) throw new FakeCancelled('cancelled');
    },
    progress: (p) => {
      progressLog.push(p);
      if (p.step === opts.abortAtStep) ac.abort();
    },
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    tempDir,
    outputDir,
    models: noPool,
    artifact: (a) => void artifacts.push(a),
    workflowJson: opts.workflowJson ?? '',
    settings: opts.settings ?? {},
    artifacts,
    progressLog,
    logs,
    abort: () => ac.abort(),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
