/**
 * Video ↔ latent sizes and the checks behind them: frames = 4n+1, width/height multiples of the
 * VAE's spatial stride times the DiT's 2×2 patch.
 */

/** Spatial patch of every Wan 2.2 DiT (patch_size [1, 2, 2]). */
export const DIT_SPATIAL_PATCH = 2;

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** Throws unless `frames` is 4n+1 (time stride 4), naming the nearest valid counts. */
export function checkFrames(frames: number, timeStride = 4, what = 'frames'): void {
  if (!Number.isInteger(frames) || frames < 1) {
    throw new ShapeError(`${what} must be a whole number of at least 1; got ${String(frames)}.`);
  }
  if ((frames - 1) % timeStride === 0) return;
  const below = frames - ((frames - 1) % timeStride);
  const examples = [below, below + timeStride, below + 2 * timeStride];
  throw new ShapeError(`${what} must be ${timeStride}n+1 (…, ${examples.join(', ')} …); got ${frames}.`);
}

/** Latent frames for `frames` video frames: (frames - 1)/t + 1. */
export function latentFrames(frames: number, timeStride = 4): number {
  checkFrames(frames, timeStride);
  return (frames - 1) / timeStride + 1;
}

/** Throws unless width and height are positive multiples of `multiple`. */
export function checkSize(width: number, height: number, multiple: number, why: string): void {
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < multiple || v % multiple !== 0) {
      const lo = Math.max(multiple, Math.floor(v / multiple) * multiple);
      throw new ShapeError(
        `${name} must be a multiple of ${multiple} (${why}); got ${String(v)} (try ${lo} or ${lo + multiple}).`,
      );
    }
  }
}

/** The latent [C, F, H, W] of a width×height×frames video for a VAE with these strides. */
export function latentShape(
  zDim: number,
  stride: readonly [number, number, number],
  width: number,
  height: number,
  frames: number,
): [number, number, number, number] {
  const [ts, hs, ws] = stride;
  checkFrames(frames, ts);
  checkSize(
    width,
    height,
    hs * DIT_SPATIAL_PATCH,
    `the VAE stride ${hs} × the 2×2 patch of the diffusion model`,
  );
  return [zDim, (frames - 1) / ts + 1, height / hs, width / ws];
}

export const numel = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
