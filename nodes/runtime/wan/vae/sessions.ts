/**
 * The VAE's ONNX sessions: one chunk graph per (encoder | decoder, first | steady chunk, size),
 * generated on first use, cached on disk next to hard links of the weights, and kept open until
 * the VAE is disposed.
 */
import {
  cachedModel,
  createSession,
  type ExecutionProvider,
  type Session,
  type SessionOptions,
  type WeightSource,
} from '../../onnx';
import { buildChunkGraph, type ChunkGraphKey } from './graph/chunk-graph';
import type { VaeConfig } from './config';
import { checkpointWeights, type CacheSpec } from './graph/net';

/** Bump when the emitted VAE graphs change for the same config (part of the on-disk cache key). */
export const VAE_GRAPH_VERSION = 1;

export interface ChunkSession {
  session: Session;
  caches: CacheSpec[];
}

export interface SessionSetOptions {
  cacheDir: string;
  ep?: ExecutionProvider;
  threads?: number;
  session?: Omit<SessionOptions, 'ep' | 'threads' | 'log'>;
  log?: (msg: string) => void;
}

export class VaeSessions {
  private readonly live = new Map<string, Promise<ChunkSession>>();

  constructor(
    private readonly src: WeightSource,
    private readonly prefix: string,
    private readonly cfg: VaeConfig,
    private readonly opts: SessionSetOptions,
  ) {}

  private readonly users = new Map<string, number>();

  get(key: ChunkGraphKey): Promise<ChunkSession> {
    const id = JSON.stringify(key);
    let hit = this.live.get(id);
    if (!hit) {
      hit = this.open(key);
      this.live.set(id, hit);
      hit.catch(() => this.live.delete(id));
    }
    return hit;
  }

  /** Runs `fn` with the session of `key`; with `release`, closes it afterwards unless another call uses it. */
  async use<T>(key: ChunkGraphKey, release: boolean, fn: (s: ChunkSession) => Promise<T>): Promise<T> {
    const id = JSON.stringify(key);
    this.users.set(id, (this.users.get(id) ?? 0) + 1);
    try {
      return await fn(await this.get(key));
    } finally {
      const left = (this.users.get(id) ?? 1) - 1;
      if (left > 0) this.users.set(id, left);
      else {
        this.users.delete(id);
        const hit = this.live.get(id);
        if (release && hit) {
          this.live.delete(id);
          await (await hit.catch(() => undefined))?.session.release();
        }
      }
    }
  }

  private async open(key: ChunkGraphKey): Promise<ChunkSession> {
    let caches: CacheSpec[] | undefined;
    const { cfg, prefix } = this;
    const model = await cachedModel({
      cacheDir: this.opts.cacheDir,
      weightFiles: [this.src.path],
      key: { kind: 'wan-vae-chunk', graphVersion: VAE_GRAPH_VERSION, prefix, cfg, ...key },
      build: () => {
        const built = buildChunkGraph(checkpointWeights(this.src, prefix), cfg, key);
        caches = built.caches;
        return built.builder;
      },
      log: this.opts.log,
    });
    // A reused entry skipped `build`: emit the graph again (cheap, no weights read) for its cache list.
    caches ??= buildChunkGraph(checkpointWeights(this.src, prefix), cfg, key).caches;
    const session = await createSession(model.path, {
      ...this.opts.session,
      ep: this.opts.ep,
      threads: this.opts.threads,
      log: this.opts.log,
    });
    return { session, caches };
  }

  async dispose(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    for (const p of all) {
      const s = await p.catch(() => undefined);
      await s?.session.release();
    }
  }
}
