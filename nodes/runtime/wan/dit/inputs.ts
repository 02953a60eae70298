/**
 * Preparing DiT inputs in TypeScript: I2V channel concat, context zero-padding to text_len,
 * per-token timesteps (scalar t broadcast), grid checks.
 */
import type { Tensor } from '../../../sdk';
import type { WanDitConfig } from '../layout/dit-config';

export interface DitInput {
  /** Noisy latent [C, F, H, W] (C = in_dim, or in_dim − y channels for I2V). */
  x: Tensor;
  /** Timestep: one raw value (0…1000) for all tokens, or one per token (TI2V, length f·h·w). */
  t: number | Float32Array;
  /** Text embedding [L, text_dim] with L ≤ text_len real rows (zero-padded here). */
  context: Tensor;
  /** I2V conditioning [in_dim − C, F, H, W] concatenated to x on the channel axis. */
  y?: Tensor;
}

export interface Grid {
  /** latent dims [F, H, W] */
  latent: [number, number, number];
  /** patch grid [f, h, w] */
  patches: [number, number, number];
  tokens: number;
}

const fmt = (d: readonly number[]): string => `[${d.join(', ')}]`;

/** The model input [in_dim, F, H, W] (x, or x ++ y on channels) and its patch grid. */
export function modelInput(c: WanDitConfig, inp: DitInput): { data: Float32Array; grid: Grid } {
  const { x, y } = inp;
  if (x.dims.length !== 4)
    throw new Error(`DiT input x must be [channels, frames, height, width], got ${fmt(x.dims)}.`);
  const [cx, F, H, W] = x.dims as [number, number, number, number];
  const cy = y ? y.dims[0] : 0;
  if (y && (y.dims.length !== 4 || y.dims[1] !== F || y.dims[2] !== H || y.dims[3] !== W)) {
    throw new Error(
      `DiT conditioning y ${fmt(y.dims)} must be [channels, ${F}, ${H}, ${W}] like x ${fmt(x.dims)}.`,
    );
  }
  if (cx + cy !== c.in_dim) {
    const need =
      c.model_type === 'i2v' && !y ? ' (this image-to-video model needs the image conditioning y)' : '';
    throw new Error(
      `DiT input has ${cx}${y ? ` + ${cy} (y)` : ''} channels, but the model takes in_dim = ${c.in_dim}${need}.`,
    );
  }
  const [p0, p1, p2] = c.patch_size;
  if (F % p0 || H % p1 || W % p2) {
    throw new Error(
      `DiT latent ${fmt([F, H, W])} (frames, height, width) is not divisible by the patch size ${fmt(c.patch_size)}.`,
    );
  }
  const plane = F * H * W;
  let data = x.data;
  if (x.data.length !== cx * plane)
    throw new Error(`DiT input x has ${x.data.length} values for dims ${fmt(x.dims)}.`);
  if (y) {
    if (y.data.length !== cy * plane)
      throw new Error(`DiT conditioning y has ${y.data.length} values for dims ${fmt(y.dims)}.`);
    data = new Float32Array((cx + cy) * plane);
    data.set(x.data, 0);
    data.set(y.data, cx * plane);
  }
  const patches: [number, number, number] = [F / p0, H / p1, W / p2];
  return { data, grid: { latent: [F, H, W], patches, tokens: patches[0] * patches[1] * patches[2] } };
}

/** Context [L, text_dim] zero-padded to [text_len, text_dim] (the official forward pads before text_embedding). */
export function padContext(c: WanDitConfig, ctx: Tensor): Float32Array {
  if (ctx.dims.length !== 2 || ctx.dims[1] !== c.text_dim) {
    throw new Error(`DiT context must be [tokens, ${c.text_dim}] (text_dim), got ${fmt(ctx.dims)}.`);
  }
  const rows = ctx.dims[0];
  if (rows > c.text_len) {
    throw new Error(
      `DiT context has ${rows} tokens, more than the model's text_len ${c.text_len}; shorten the prompt.`,
    );
  }
  const out = new Float32Array(c.text_len * c.text_dim);
  out.set(ctx.data.subarray(0, rows * c.text_dim));
  return out;
}

/** Per-token timesteps for `tokens` tokens (a scalar t is repeated). */
export function perTokenT(t: number | Float32Array, tokens: number): Float32Array {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new Error(`DiT timestep must be a finite number, got ${t}.`);
    return new Float32Array(tokens).fill(t);
  }
  if (t.length === 1) return new Float32Array(tokens).fill(t[0]);
  if (t.length !== tokens) {
    throw new Error(`DiT per-token timesteps have ${t.length} values, but the latent has ${tokens} tokens.`);
  }
  return t;
}
