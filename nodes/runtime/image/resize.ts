/**
 * Small image helpers for previews: pick one frame of a batch, and a bilinear resize (pixel
 * centres aligned, as PIL and torch's align_corners=False). Bilinear only looks at 2×2 source
 * pixels, so shrinking far below half size aliases; fine for previews, not for model inputs.
 */
import type { ImageBatch } from '../../sdk';

/** Frame `index` of a batch as a one-frame batch (a view, no copy). */
export function frameOf(b: ImageBatch, index: number): ImageBatch {
  if (!Number.isInteger(index) || index < 0 || index >= b.count) {
    throw new Error(`Frame ${index} does not exist; the batch has ${b.count} frame(s).`);
  }
  const n = b.width * b.height * 3;
  return { ...b, count: 1, data: b.data.subarray(index * n, (index + 1) * n) };
}

/** The size that fits inside maxSide×maxSide keeping the aspect ratio (never enlarges). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Bilinear resize of one RGB frame. */
export function resizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (src.length !== sw * sh * 3)
    throw new Error(`resize: ${src.length} bytes are not a ${sw}×${sh} RGB image.`);
  if (!(Number.isInteger(dw) && Number.isInteger(dh) && dw >= 1 && dh >= 1)) {
    throw new Error(`resize: invalid target size ${dw}×${dh}.`);
  }
  if (dw === sw && dh === sh) return src.slice();
  const out = new Uint8Array(dw * dh * 3);
  // Per-column source indices and weights, computed once.
  const x0 = new Int32Array(dw);
  const x1 = new Int32Array(dw);
  const fx = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const sx = Math.min(Math.max((x + 0.5) * (sw / dw) - 0.5, 0), sw - 1);
    x0[x] = Math.floor(sx);
    x1[x] = Math.min(x0[x] + 1, sw - 1);
    fx[x] = sx - x0[x];
  }
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(Math.max((y + 0.5) * (sh / dh) - 0.5, 0), sh - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const fy = sy - y0;
    const r0 = y0 * sw * 3;
    const r1 = y1 * sw * 3;
    for (let x = 0; x < dw; x++) {
      const a = r0 + x0[x] * 3;
      const b = r0 + x1[x] * 3;
      const c = r1 + x0[x] * 3;
      const d = r1 + x1[x] * 3;
      const wx = fx[x];
      const o = (y * dw + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bottom = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

/** Resizes every frame of a batch. */
export function resizeBatch(b: ImageBatch, width: number, height: number): ImageBatch {
  const n = b.width * b.height * 3;
  const m = width * height * 3;
  const data = new Uint8Array(m * b.count);
  for (let i = 0; i < b.count; i++) {
    data.set(resizeRgb(b.data.subarray(i * n, (i + 1) * n), b.width, b.height, width, height), i * m);
  }
  return { ...b, width, height, data };
}
