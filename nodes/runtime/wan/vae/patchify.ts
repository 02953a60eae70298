/**
 * Wan 2.2's spatial patchify: `rearrange "c f (h q) (w r) -> (c r q) f h w"`. Inside each p×p
 * block, q is the row offset and r the column offset, and the output channel is
 * `c*p*p + r*p + q`: the COLUMN offset comes before the row offset. Layout `[C, F, H, W]`.
 */
import { VaeError } from './errors';

/** `[C, F, H, W]` → `[C*p*p, F, H/p, W/p]`. */
export function patchify(
  x: Float32Array,
  dims: readonly number[],
  p: number,
): { data: Float32Array; dims: number[] } {
  const [C, F, H, W] = dims as [number, number, number, number];
  if (dims.length !== 4 || x.length !== C * F * H * W)
    throw new VaeError(`patchify: expected a [C, F, H, W] tensor, got [${dims.join(', ')}].`);
  if (H % p !== 0 || W % p !== 0)
    throw new VaeError(`patchify: height ${H} and width ${W} must be multiples of ${p}.`);
  if (p === 1) return { data: x.slice(), dims: [...dims] };
  const h = H / p;
  const w = W / p;
  const out = new Float32Array(x.length);
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < p; r++) {
      for (let q = 0; q < p; q++) {
        const oc = c * p * p + r * p + q;
        for (let t = 0; t < F; t++) {
          const src = (c * F + t) * H * W;
          const dst = (oc * F + t) * h * w;
          for (let i = 0; i < h; i++) {
            const row = src + (i * p + q) * W + r;
            const orow = dst + i * w;
            for (let j = 0; j < w; j++) out[orow + j] = x[row + j * p]!;
          }
        }
      }
    }
  }
  return { data: out, dims: [C * p * p, F, h, w] };
}

/**
 * Inverse of `patchify`: `[C*p*p, F, h, w]` → `[C, F, h*p, w*p]`, written into `out` (allocated
 * when absent) starting at frame `frameOffset` of an output with `outFrames` frames.
 */
export function unpatchify(
  x: Float32Array,
  dims: readonly number[],
  p: number,
  out?: { data: Float32Array; frames: number; frameOffset: number },
): { data: Float32Array; dims: number[] } {
  const [CP, F, h, w] = dims as [number, number, number, number];
  if (dims.length !== 4 || x.length !== CP * F * h * w || CP % (p * p) !== 0) {
    throw new VaeError(`unpatchify: expected a [C*${p * p}, F, h, w] tensor, got [${dims.join(', ')}].`);
  }
  const C = CP / (p * p);
  const H = h * p;
  const W = w * p;
  const frames = out?.frames ?? F;
  const offset = out?.frameOffset ?? 0;
  const data = out?.data ?? new Float32Array(C * frames * H * W);
  if (data.length !== C * frames * H * W || offset + F > frames) {
    throw new VaeError(
      `unpatchify: the output buffer does not hold frames ${offset}..${offset + F - 1} of [${C}, ${frames}, ${H}, ${W}].`,
    );
  }
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < p; r++) {
      for (let q = 0; q < p; q++) {
        const ic = c * p * p + r * p + q;
        for (let t = 0; t < F; t++) {
          const src = (ic * F + t) * h * w;
          const dst = (c * frames + offset + t) * H * W;
          for (let i = 0; i < h; i++) {
            const row = dst + (i * p + q) * W + r;
            const irow = src + i * w;
            for (let j = 0; j < w; j++) data[row + j * p] = x[irow + j]!;
          }
        }
      }
    }
  }
  return { data, dims: [C, frames, H, W] };
}
