/**
 * The Wan 2.1 / 2.2 VAE on ONNX Runtime with the official chunked causal-cache semantics:
 * encode feeds 1, 4, 4, ... frames per chunk, decode one latent frame per chunk; only the
 * per-layer caches live between chunks, and each chunk's frames are written straight into the
 * result.
 */
import { readFile } from 'node:fs/promises';
import { ort, type ExecutionProvider, type SessionOptions } from '../../onnx';
import { openCheckpoint } from '../../pth/open';
import type { CheckpointFile } from '../../safetensors/checkpoint-file';
import type { Tensor } from '../../../sdk';
import {
  parseVaeConfig,
  spaceStride,
  timeStride,
  versionFromConfigJson,
  type VaeConfig,
  type VaeVersion,
} from './config';
import { decodeChunkFrames, encodeChunks, latentFramesFor, usedEncodeFrames, videoFramesFor } from './chunks';
import { VaeError } from './errors';
import { detectVaeVersion, findKeyPrefix, inferVaeConfig } from './infer-config';
import { clampInPlace, denormalizeLatent, normalizeLatent } from './latent-norm';
import { patchify, unpatchify } from './patchify';
import { checkVaeTensors } from './graph/expected';
import { checkpointWeights } from './graph/net';
import type { ChunkGraphKey } from './graph/chunk-graph';
import { VaeSessions } from './sessions';

export interface LoadVaeOptions {
  /** A config.json object (official `WanVAE_` names) or its path; inferred from the tensors when absent. */
  config?: unknown;
  /** Checked against the tensors when given; detected from them otherwise. */
  version?: VaeVersion;
  ep?: ExecutionProvider;
  threads?: number;
  /** Folder of generated .onnx files (best on the same drive as the weights: hard links). */
  cacheDir: string;
  /**
   * Close each first-chunk session right after its chunk (it is re-created from the disk cache
   * at the next call). With F16/BF16 checkpoints every session holds its own float32 copy of the
   * weights, so this keeps one copy alive instead of two, at the cost of a session load per call.
   */
  lowMemory?: boolean;
  /** Extra ORT session options (e.g. `disablePrepacking` for large models). */
  session?: Omit<SessionOptions, 'ep' | 'threads' | 'log'>;
  log?: (msg: string) => void;
}

export interface VaeRunOptions {
  signal?: AbortSignal;
  /** Called after every chunk: decode counts latent frames, encode counts frame chunks. */
  onProgress?: (p: { step: number; total: number }) => void;
}

export interface VaeDecodeOptions extends VaeRunOptions {
  /** Receives each chunk's decoded frames `[3, n, H, W]` (clamped unless decoding unclamped). */
  onFrames?: (frames: Tensor, startFrame: number) => void | Promise<void>;
}

export interface WanVae {
  readonly version: VaeVersion;
  readonly config: VaeConfig;
  readonly zDim: number;
  /** `[t, h, w]`: latent frames = (frames - 1)/t + 1, latent size = size / h. */
  readonly stride: [number, number, number];
  /** `video` `[3, T, H, W]` in [-1, 1] → normalised latent `(mu - mean)/std` `[z, 1+(T-1)/4, H/s, W/s]`. */
  encode(video: Tensor, opts?: VaeRunOptions): Promise<Tensor>;
  /** The encoder's raw `mu` and `log_var` (before normalisation). */
  encodeRaw(video: Tensor, opts?: VaeRunOptions): Promise<{ mu: Tensor; logVar: Tensor }>;
  /** Normalised latent `[z, F, h, w]` → video `[3, 1+(F-1)·t, h·s, w·s]` clamped to [-1, 1]. */
  decode(latent: Tensor, opts?: VaeDecodeOptions): Promise<Tensor>;
  /** As `decode`, without the final clamp (for verification). */
  decodeUnclamped(latent: Tensor, opts?: VaeDecodeOptions): Promise<Tensor>;
  dispose(): Promise<void>;
}

const shapeText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

async function resolveConfig(
  st: CheckpointFile,
  opts: LoadVaeOptions,
): Promise<{ cfg: VaeConfig; prefix: string }> {
  const shapes = new Map([...st.tensors].map(([k, v]) => [k, v.shape] as const));
  const prefix = findKeyPrefix(shapes, st.path);
  const detected = detectVaeVersion(shapes, st.path, prefix);
  if (opts.version && opts.version !== detected) {
    throw new VaeError(
      `${st.path} holds a Wan ${detected} VAE, but a Wan ${opts.version} VAE was asked for.`,
      st.path,
    );
  }
  let json = opts.config;
  let where = 'VAE config';
  if (typeof json === 'string') {
    where = json;
    try {
      json = JSON.parse(await readFile(json, 'utf8')) as unknown;
    } catch (e) {
      throw new VaeError(`Cannot read the VAE config ${where}: ${(e as Error).message}`);
    }
  }
  if (json === undefined) return { cfg: inferVaeConfig(shapes, st.path, detected), prefix };
  const named = versionFromConfigJson(json);
  if (named && named !== detected) {
    throw new VaeError(
      `${where} describes a Wan ${named} VAE but ${st.path} holds a Wan ${detected} VAE.`,
      st.path,
    );
  }
  return { cfg: parseVaeConfig(json, detected, where), prefix };
}

/** Copies frames [start, start+count) of a `[C, T, H, W]` array into `[1, C, count, H, W]`. */
function takeFrames(
  data: Float32Array,
  c: number,
  t: number,
  hw: number,
  start: number,
  count: number,
): Float32Array {
  const out = new Float32Array(c * count * hw);
  for (let ch = 0; ch < c; ch++)
    out.set(data.subarray((ch * t + start) * hw, (ch * t + start + count) * hw), ch * count * hw);
  return out;
}

/** Writes a `[C, n, H, W]` block at frame `start` of a `[C, T, H, W]` array. */
function putFrames(
  dst: Float32Array,
  src: Float32Array,
  c: number,
  t: number,
  hw: number,
  start: number,
  n: number,
): void {
  for (let ch = 0; ch < c; ch++) dst.set(src.subarray(ch * n * hw, (ch + 1) * n * hw), (ch * t + start) * hw);
}

function f32(t: ort.Tensor | undefined, what: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array))
    throw new VaeError(`internal: the VAE graph returned no float32 "${what}".`);
  return t.data;
}

/**
 * Loads a Wan VAE checkpoint (.safetensors or torch.save .pth/.pt such as the official
 * `Wan2.1_VAE.pth`; official key names, optionally under one prefix). Sessions are created lazily.
 */
export async function loadWanVae(weightsPath: string, opts: LoadVaeOptions): Promise<WanVae> {
  const st = await openCheckpoint(weightsPath);
  let cfg: VaeConfig;
  let prefix: string;
  try {
    ({ cfg, prefix } = await resolveConfig(st, opts));
    // Emit both steady-chunk graphs once at the smallest size (no weights are read): every tensor
    // the config implies is checked for presence and shape now, not at the first encode/decode.
    checkVaeTensors(checkpointWeights(st, prefix), cfg);
  } catch (e) {
    await st.close();
    throw e;
  }
  const sessions = new VaeSessions(st, prefix, cfg, {
    cacheDir: opts.cacheDir,
    ep: opts.ep,
    threads: opts.threads,
    session: opts.session,
    log: opts.log,
  });
  const p = cfg.patchSize;
  const ts = timeStride(cfg);
  const ss = spaceStride(cfg);

  /** Runs one chunk graph; `prev` holds the previous chunk's outputs (its `cache_next.N`). */
  function runChunk(
    key: ChunkGraphKey,
    feeds: Record<string, ort.Tensor>,
    prev: Record<string, ort.Tensor> | undefined,
  ): Promise<Record<string, ort.Tensor>> {
    const release = opts.lowMemory === true && key.mode === 'first';
    return sessions.use(key, release, (cs) => {
      const all: Record<string, ort.Tensor> = { ...feeds };
      if (prev) cs.caches.forEach((_, i) => (all[`cache.${i}`] = prev[`cache_next.${i}`]));
      return cs.session.run(all);
    });
  }

  async function encodeRaw(video: Tensor, ro: VaeRunOptions = {}): Promise<{ mu: Tensor; logVar: Tensor }> {
    const [c, frames, H, W] = video.dims as [number, number, number, number];
    if (video.dims.length !== 4 || c !== 3 || video.data.length !== 3 * frames * H * W) {
      throw new VaeError(`The VAE encoder takes a video [3, T, H, W]; got ${shapeText(video.dims)}.`);
    }
    if (H % ss !== 0 || W % ss !== 0) {
      throw new VaeError(
        `The Wan ${cfg.version} VAE needs a height and width that are multiples of ${ss}; got ${W}×${H}.`,
      );
    }
    const h = H / p;
    const w = W / p;
    const chunks = encodeChunks(frames);
    const used = usedEncodeFrames(frames);
    if (used < frames) {
      opts.log?.(
        `VAE encode: frames ${used + 1}..${frames} of ${frames} are dropped (the encoder takes 1 + 4k frames).`,
      );
    }
    const lt = latentFramesFor(frames, ts);
    const lh = H / ss;
    const lw = W / ss;
    const mu = new Float32Array(cfg.zDim * lt * lh * lw);
    const logVar = new Float32Array(mu.length);
    let prev: Record<string, ort.Tensor> | undefined;
    let at = 0;
    for (const [i, ch] of chunks.entries()) {
      ro.signal?.throwIfAborted();
      const mode = i === 0 ? 'first' : 'steady';
      // Only this chunk's frames are copied (and patchified for 2.2).
      const rgb = takeFrames(video.data, 3, frames, H * W, ch.start, ch.count);
      const x = p > 1 ? patchify(rgb, [3, ch.count, H, W], p).data : rgb;
      const input = new ort.Tensor('float32', x, [1, 3 * p * p, ch.count, h, w]);
      const out = await runChunk({ part: 'encoder', mode, frames: ch.count, h, w }, { x: input }, prev);
      const n = out.mu.dims[2];
      putFrames(mu, f32(out.mu, 'mu'), cfg.zDim, lt, lh * lw, at, n);
      putFrames(logVar, f32(out.logvar, 'logvar'), cfg.zDim, lt, lh * lw, at, n);
      at += n;
      prev = out;
      ro.onProgress?.({ step: i + 1, total: chunks.length });
    }
    const dims = [cfg.zDim, lt, lh, lw];
    return { mu: { dims, data: mu }, logVar: { dims: [...dims], data: logVar } };
  }

  async function decodeImpl(latent: Tensor, clamp: boolean, ro: VaeDecodeOptions = {}): Promise<Tensor> {
    const [z, lt, lh, lw] = latent.dims as [number, number, number, number];
    if (latent.dims.length !== 4 || z !== cfg.zDim || latent.data.length !== z * lt * lh * lw) {
      throw new VaeError(
        `The Wan ${cfg.version} VAE decoder takes a latent [${cfg.zDim}, F, h, w]; got ${shapeText(latent.dims)}.`,
      );
    }
    const frames = videoFramesFor(lt, ts);
    const H = lh * ss;
    const W = lw * ss;
    const raw = denormalizeLatent(latent.data, cfg.latentsMean, cfg.latentsStd);
    const video = new Float32Array(3 * frames * H * W);
    let prev: Record<string, ort.Tensor> | undefined;
    for (let i = 0; i < lt; i++) {
      ro.signal?.throwIfAborted();
      const key: ChunkGraphKey = {
        part: 'decoder',
        mode: i === 0 ? 'first' : 'steady',
        frames: 1,
        h: lh,
        w: lw,
      };
      const input = new ort.Tensor('float32', takeFrames(raw, z, lt, lh * lw, i, 1), [1, z, 1, lh, lw]);
      const out = await runChunk(key, { z: input }, prev);
      const chunk = f32(out.video, 'video');
      const dims = out.video.dims.slice(1);
      const want = decodeChunkFrames(i, ts);
      if (dims[1] !== want.count)
        throw new VaeError(`internal: decode chunk ${i} gave ${dims[1]} frames, expected ${want.count}.`);
      if (p > 1) unpatchify(chunk, dims, p, { data: video, frames, frameOffset: want.start });
      else putFrames(video, chunk, 3, frames, H * W, want.start, want.count);
      if (clamp) {
        for (let ch = 0; ch < 3; ch++)
          clampInPlace(
            video.subarray(
              (ch * frames + want.start) * H * W,
              (ch * frames + want.start + want.count) * H * W,
            ),
          );
      }
      prev = out;
      if (ro.onFrames)
        await ro.onFrames(
          { dims: [3, want.count, H, W], data: takeFrames(video, 3, frames, H * W, want.start, want.count) },
          want.start,
        );
      ro.onProgress?.({ step: i + 1, total: lt });
    }
    return { dims: [3, frames, H, W], data: video };
  }

  return {
    version: cfg.version,
    config: cfg,
    zDim: cfg.zDim,
    stride: [ts, ss, ss],
    async encode(video, ro) {
      const { mu } = await encodeRaw(video, ro);
      return { dims: mu.dims, data: normalizeLatent(mu.data, cfg.latentsMean, cfg.latentsStd) };
    },
    encodeRaw,
    decode: (latent, ro) => decodeImpl(latent, true, ro),
    decodeUnclamped: (latent, ro) => decodeImpl(latent, false, ro),
    async dispose() {
      await sessions.dispose();
      await st.close();
    },
  };
}
