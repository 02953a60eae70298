/**
 * Model-pool entries of the Wan nodes: each loaded model lives in `ctx.models` under a key made
 * of its file identity (path, size, mtime) and the runtime options (execution provider, threads,
 * cache folder), so a model is loaded once however many nodes or runs use it, and an idle one
 * can be released by key.
 */
import { accessSync, constants, mkdirSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ModelPool } from '../../../sdk';
import type { ExecutionProvider } from '../../onnx/session';
import { Umt5Tokenizer } from '../../tokenizer/umt5';
import { loadWanDit, type WanDit } from '../dit/model';
import { loadUmt5, type Umt5Encoder } from '../t5/encoder';
import { loadWanVae, type WanVae } from '../vae/vae';
import type { DenoiseModel, ModelSlot } from './denoise';
import type { RuntimeOptions, TextEncoderHandle, VaeHandle, WanModelHandle } from './handles';

const PROVIDERS: readonly ExecutionProvider[] = ['cpu', 'webgpu', 'cuda'];

/** Runtime options from the engine settings (`executionProvider`, `threads`, `onnxCacheDir`). */
export function runtimeFromSettings(settings: Readonly<Record<string, unknown>>): RuntimeOptions {
  const ep = PROVIDERS.includes(settings.executionProvider as ExecutionProvider)
    ? (settings.executionProvider as ExecutionProvider)
    : 'cpu';
  const threads =
    typeof settings.threads === 'number' && Number.isInteger(settings.threads) && settings.threads > 0
      ? settings.threads
      : 0;
  const cacheDir =
    typeof settings.onnxCacheDir === 'string' && settings.onnxCacheDir !== ''
      ? settings.onnxCacheDir
      : undefined;
  return { ep, threads, ...(cacheDir ? { cacheDir } : {}) };
}

/**
 * Generated-graph folder for a model file. The cache hard-links the weights next to each .onnx
 * (ONNX Runtime refuses external data outside the model's folder), and a hard link only works
 * on the same filesystem, so by default the cache lives beside the weights
 * (`<model folder>/.wan-studio-onnx`), falling back to the temp folder when that is read-only.
 * An explicit `onnxCacheDir` setting wins.
 */
export function graphCacheDir(rt: RuntimeOptions, weightsPath: string): string {
  if (rt.cacheDir) return rt.cacheDir;
  const beside = join(dirname(realpathSync(weightsPath)), '.wan-studio-onnx');
  try {
    mkdirSync(beside, { recursive: true });
    accessSync(beside, constants.W_OK);
    return beside;
  } catch {
    return join(tmpdir(), 'wan-studio-onnx-cache');
  }
}

/** `kind:path|size|mtime|ep|threads|cache`: the pool key of a model file under runtime options. */
export function modelKey(kind: string, path: string, rt: RuntimeOptions): string {
  const st = statSync(path);
  return `${kind}:${path}|${st.size}|${Math.round(st.mtimeMs)}|ep=${rt.ep}|threads=${rt.threads}|cache=${rt.cacheDir ?? ''}`;
}

const threadsOpt = (rt: RuntimeOptions): number | undefined => (rt.threads > 0 ? rt.threads : undefined);

/** The pooled DiT of a MODEL handle (loaded on first use). */
export function acquireDit(pool: ModelPool, h: WanModelHandle, log?: (m: string) => void): Promise<WanDit> {
  return pool.acquire(
    h.key,
    () =>
      loadWanDit(h.path, {
        config: h.config,
        ep: h.runtime.ep,
        threads: threadsOpt(h.runtime),
        cacheDir: graphCacheDir(h.runtime, h.path),
        log,
      }),
    (d) => d.dispose(),
  );
}

/** A denoising-loop slot over a pooled DiT. */
export function ditSlot(pool: ModelPool, h: WanModelHandle, log?: (m: string) => void): ModelSlot {
  return {
    key: h.key,
    acquire: (): Promise<DenoiseModel> => acquireDit(pool, h, log),
    release: async (): Promise<void> => {
      await pool.release(h.key);
    },
  };
}

export interface LoadedTextEncoder {
  encoder: Umt5Encoder;
  tokenizer: Umt5Tokenizer;
}

/** The pooled umT5 encoder + tokenizer of a TEXT_ENCODER handle. */
export function acquireTextEncoder(
  pool: ModelPool,
  h: TextEncoderHandle,
  log?: (m: string) => void,
): Promise<LoadedTextEncoder> {
  return pool.acquire(
    h.key,
    async () => {
      const tokenizer = await Umt5Tokenizer.fromFile(h.tokenizer);
      const encoder = await loadUmt5(h.weights, {
        ep: h.runtime.ep,
        threads: threadsOpt(h.runtime),
        cacheDir: graphCacheDir(h.runtime, h.weights),
        log,
      });
      return { encoder, tokenizer };
    },
    (t) => t.encoder.dispose(),
  );
}

/** The pooled VAE of a file (`version`, when known, is checked against the weights). */
export function acquireVaeFile(
  pool: ModelPool,
  key: string,
  path: string,
  rt: RuntimeOptions,
  version?: '2.1' | '2.2',
  log?: (m: string) => void,
): Promise<WanVae> {
  return pool.acquire(
    key,
    () =>
      loadWanVae(path, {
        ...(version ? { version } : {}),
        ep: rt.ep,
        threads: threadsOpt(rt),
        cacheDir: graphCacheDir(rt, path),
        log,
      }),
    (v) => v.dispose(),
  );
}

/** The pooled VAE of a VAE handle. */
export function acquireVae(pool: ModelPool, h: VaeHandle, log?: (m: string) => void): Promise<WanVae> {
  return acquireVaeFile(pool, h.key, h.path, h.runtime, h.version, log);
}
