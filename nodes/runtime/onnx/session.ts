/**
 * ONNX Runtime sessions: creation with an execution provider and a logged fallback to CPU, the
 * session options this project uses, and pooling through the SDK's ModelPool.
 *
 * Threading: onnxruntime-node's `session.run()` returns a Promise but executes the model
 * synchronously on the calling JS thread (inside a setImmediate), so it BLOCKS that thread's event
 * loop for the whole run; ORT's own intra-op thread pool does the parallel math. Session creation
 * blocks likewise. Callers that must stay responsive run the engine in a worker thread / utility
 * process (which the engine does).
 */
import * as ort from 'onnxruntime-node';
import type { ModelPool } from '../../sdk';

export type ExecutionProvider = 'cpu' | 'webgpu' | 'cuda';

export interface SessionOptions {
  /** Execution provider (default 'cpu'). Falls back to CPU, with a log line, when it cannot start. */
  ep?: ExecutionProvider;
  /** Intra-op threads (default: ORT's choice, i.e. the physical cores). */
  threads?: number;
  /** Graph optimisation level (default 'all'). */
  optimization?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /**
   * Skip weight pre-packing (default false). Pre-packing makes a second, re-laid-out copy of
   * every constant MatMul/Gemm/Conv weight for faster kernels; disabling it saves that memory
   * (about the float32 weight size) at some speed cost.
   */
  disablePrepacking?: boolean;
  /** Write an ORT profile (JSON) with this file prefix. */
  profilePrefix?: string;
  /** Fix symbolic dims (lets ORT plan memory and fold shapes). */
  freeDims?: Record<string, number>;
  /** Extra ORT session config entries ("session.xxx": "1"). */
  config?: Record<string, string>;
  /** Receives warnings (EP fallback). */
  log?: (msg: string) => void;
}

export interface Session {
  readonly session: ort.InferenceSession;
  /** The provider actually in use (may be 'cpu' after a fallback). */
  readonly ep: ExecutionProvider;
  run(feeds: Record<string, ort.Tensor>, outputs?: string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** Which providers this onnxruntime-node build can load at all. */
export function availableProviders(): ExecutionProvider[] {
  const list = (
    ort as unknown as { listSupportedBackends?: () => { name: string }[] }
  ).listSupportedBackends?.() ?? [{ name: 'cpu' }];
  return list
    .map((b) => b.name)
    .filter((n): n is ExecutionProvider => n === 'cpu' || n === 'webgpu' || n === 'cuda');
}

function ortOptions(o: SessionOptions, ep: ExecutionProvider): ort.InferenceSession.SessionOptions {
  const extra: Record<string, string> = { ...(o.config ?? {}) };
  if (o.disablePrepacking) extra['session.disable_prepacking'] = '1';
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: o.optimization ?? 'all',
    executionMode: 'sequential',
    enableCpuMemArena: true,
    enableMemPattern: true,
    extra: nest(extra),
  };
  if (o.threads && o.threads > 0) {
    opts.intraOpNumThreads = o.threads;
    opts.interOpNumThreads = 1;
  }
  if (o.profilePrefix) {
    opts.enableProfiling = true;
    opts.profileFilePrefix = o.profilePrefix;
  }
  if (o.freeDims) opts.freeDimensionOverrides = o.freeDims;
  return opts;
}

/** ORT's `extra` takes nested objects that it flattens with dots; build them from flat keys. */
function nest(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flat)) {
    const parts = k.split('.');
    let cur = out;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
    cur[parts[parts.length - 1]] = v;
  }
  return out;
}

const describe = (model: Uint8Array | string): string =>
  typeof model === 'string' ? model : `an in-memory model (${model.byteLength} bytes)`;

/**
 * Creates a session. `model` is a path (needed when the graph has external data: locations
 * resolve against its folder) or the model bytes.
 */
export async function createSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<Session> {
  const want = opts.ep ?? 'cpu';
  const tryCreate = (ep: ExecutionProvider): Promise<ort.InferenceSession> =>
    typeof model === 'string'
      ? ort.InferenceSession.create(model, ortOptions(opts, ep))
      : ort.InferenceSession.create(model, ortOptions(opts, ep));
  let session: ort.InferenceSession;
  let ep: ExecutionProvider = want;
  try {
    session = await tryCreate(want);
  } catch (e) {
    if (want === 'cpu')
      throw new Error(`ONNX Runtime could not load ${describe(model)}: ${(e as Error).message}`);
    opts.log?.(
      `The ${want} execution provider failed to start for ${describe(model)} (${(e as Error).message.split('\n')[0]}); using the CPU instead.`,
    );
    ep = 'cpu';
    try {
      session = await tryCreate('cpu');
    } catch (e2) {
      throw new Error(`ONNX Runtime could not load ${describe(model)}: ${(e2 as Error).message}`);
    }
  }
  return {
    session,
    ep,
    run: (feeds, outputs) => (outputs ? session.run(feeds, outputs) : session.run(feeds)),
    release: () => session.release(),
  };
}

/** The pool key of a session: model identity + provider + every option that changes the session. */
export function sessionKey(modelKey: string, opts: SessionOptions = {}): string {
  const { log: _log, ...rest } = opts;
  void _log;
  return `onnx:${modelKey}:${JSON.stringify({ ...rest, ep: rest.ep ?? 'cpu' })}`;
}

/**
 * Returns the pooled session for (model path, options), creating it when absent. `pool` is the
 * engine's ModelPool (ctx.models) or a SimpleModelPool.
 */
export function acquireSession(
  pool: ModelPool,
  modelPath: string,
  opts: SessionOptions = {},
): Promise<Session> {
  return pool.acquire(
    sessionKey(modelPath, opts),
    () => createSession(modelPath, opts),
    (s) => s.release(),
  );
}

/** A minimal ModelPool (for scripts and tests; the engine supplies its own). */
export class SimpleModelPool implements ModelPool {
  private readonly entries = new Map<
    string,
    { value: Promise<unknown>; dispose?: (v: never) => void | Promise<void> }
  >();

  acquire<T>(
    key: string,
    create: () => Promise<T>,
    dispose?: (value: T) => void | Promise<void>,
  ): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) return hit.value as Promise<T>;
    const value = create();
    this.entries.set(key, { value, dispose: dispose });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  async release(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    this.entries.delete(key);
    const v = await e.value.catch(() => undefined);
    if (v !== undefined && e.dispose) await e.dispose(v as never);
    return true;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  async clear(): Promise<void> {
    for (const k of this.keys()) await this.release(k);
  }
}

export { ort };
