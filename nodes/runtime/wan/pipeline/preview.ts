/**
 * A cheap live preview of a video latent: one frame, one pixel per latent position, from a fixed
 * linear projection of the latent channels to RGB followed by a per-image contrast stretch.
 * It shows layout and motion, not true colours (no per-model calibration is made).
 */
import type { ImageBatch } from '../../../sdk';

/** The fixed projection: channel c feeds colour c mod 3 with weight ±1 (sign alternating by c div 3). */
export function projectionWeights(channels: number): Float32Array {
  const w = new Float32Array(3 * channels);
  for (let c = 0; c < channels; c++) w[(c % 3) * channels + c] = Math.floor(c / 3) % 2 === 0 ? 1 : -1;
  return w;
}

/**
 * RGB preview of latent frame `frame` (default: the middle one) of `latent` [C, F, H, W]; when
 * `velocity` and `sigma` are given, of the denoised estimate latent − sigma·velocity instead.
 */
export function latentPreview(
  latent: Float32Array,
  dims: readonly number[],
  opts: { frame?: number; velocity?: Float32Array; sigma?: number } = {},
): ImageBatch {
  const [C, F, H, W] = dims;
  const frame = opts.frame ?? Math.floor((F - 1) / 2);
  const plane = H * W;
  const w = projectionWeights(C);
  const rgb = new Float32Array(plane * 3);
  const v = opts.velocity;
  const s = opts.sigma ?? 0;
  for (let c = 0; c < C; c++) {
    const base = (c * F + frame) * plane;
    for (let k = 0; k < 3; k++) {
      const wk = w[k * C + c];
      if (wk === 0) continue;
      for (let p = 0; p < plane; p++) {
        const x = v ? latent[base + p] - s * v[base + p] : latent[base + p];
        rgb[p * 3 + k] += wk * x;
      }
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of rgb) {
    if (Number.isFinite(x)) {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  const span = hi > lo ? hi - lo : 1;
  const data = new Uint8Array(plane * 3);
  for (let i = 0; i < rgb.length; i++) {
    const y = Math.round(((rgb[i] - lo) / span) * 255);
    data[i] = Number.isFinite(y) ? Math.min(255, Math.max(0, y)) : 0;
  }
  return { kind: 'image', width: W, height: H, count: 1, data };
}
