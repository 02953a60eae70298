/**
 * The wrappers' per-channel latent normalisation, in float32 arithmetic as the official code
 * does it: `scale = [mean, 1/std]`; encode `(mu - mean) * (1/std)`, decode `z / (1/std) + mean`.
 * Tensors are channel-first `[C, ...]` (C = z_dim), row-major.
 */
import { VaeError } from './errors';

const f = Math.fround;

function checkChannels(len: number, channels: number, what: string): number {
  if (channels === 0 || len % channels !== 0) {
    throw new VaeError(`${what}: ${len} values cannot be split into ${channels} latent channels.`);
  }
  return len / channels;
}

/** `(mu - mean) * (1/std)` per channel; returns a new array. */
export function normalizeLatent(
  mu: Float32Array,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const per = checkChannels(mu.length, mean.length, 'normalizeLatent');
  const out = new Float32Array(mu.length);
  for (let c = 0; c < mean.length; c++) {
    const m = f(mean[c]);
    const inv = f(1 / f(std[c]));
    for (let i = c * per, end = i + per; i < end; i++) out[i] = f(mu[i] - m) * inv;
  }
  return out;
}

/** `z / (1/std) + mean` per channel; returns a new array. */
export function denormalizeLatent(
  z: Float32Array,
  mean: readonly number[],
  std: readonly number[],
): Float32Array {
  const per = checkChannels(z.length, mean.length, 'denormalizeLatent');
  const out = new Float32Array(z.length);
  for (let c = 0; c < mean.length; c++) {
    const m = f(mean[c]);
    const inv = f(1 / f(std[c]));
    for (let i = c * per, end = i + per; i < end; i++) out[i] = f(z[i] / inv) + m;
  }
  return out;
}

/** Clamps every value to [lo, hi] in place (NaN stays NaN, as torch.clamp leaves it). */
export function clampInPlace(data: Float32Array, lo = -1, hi = 1): Float32Array {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) data[i] = lo;
    else if (v > hi) data[i] = hi;
  }
  return data;
}
