/**
 * Image conditioning of the Wan 2.2 pipelines, as pure functions:
 *  - I2V-A14B (`image2video.py`): a 4-channel first-frame mask concatenated with the VAE latent of
 *    [image, zeros…] into the 20-channel `y` the DiT appends to its input;
 *  - TI2V-5B (`textimage2video.py`): the clean first-frame latent `z`, a mask that is 0 on latent
 *    frame 0 and 1 elsewhere, per-token timesteps (t·mask over the patch grid) and the write-back
 *    latent = (1 − mask)·z + mask·latent.
 */
import type { Tensor } from '../../../sdk';
import { numel } from './shapes';

const f = Math.fround;
const fmt = (d: readonly number[]): string => `[${d.join(', ')}]`;

/**
 * The official I2V mask [4, F_lat, h, w]: ones over `frames` pixel frames with frames 1.. zeroed,
 * the first frame repeated 4×, viewed as [F_lat, 4, h, w] and transposed (latent frame 0 is 1).
 */
export function i2vMask(frames: number, h: number, w: number, timeStride = 4): Tensor {
  const expanded = frames + timeStride - 1; // first frame repeated timeStride times
  if (expanded % timeStride !== 0) throw new Error(`I2V mask: ${frames} frames are not ${timeStride}n+1.`);
  const fl = expanded / timeStride;
  const plane = h * w;
  const data = new Float32Array(timeStride * fl * plane);
  for (let c = 0; c < timeStride; c++) {
    for (let j = 0; j < fl; j++) {
      const k = j * timeStride + c; // index into the expanded frame axis
      const pixelFrame = k < timeStride ? 0 : k - timeStride + 1;
      if (pixelFrame === 0) data.fill(1, (c * fl + j) * plane, (c * fl + j + 1) * plane);
    }
  }
  return { dims: [timeStride, fl, h, w], data };
}

/** [image, zeros × (frames − 1)]: the video I2V encodes for `y`, [3, frames, H, W]. */
export function firstFrameVideo(image: Tensor, frames: number): Tensor {
  const [c, H, W] = image.dims as [number, number, number];
  if (image.dims.length !== 3 || c !== 3)
    throw new Error(`The conditioning image must be [3, H, W]; got ${fmt(image.dims)}.`);
  const plane = H * W;
  const data = new Float32Array(3 * frames * plane);
  for (let ch = 0; ch < 3; ch++)
    data.set(image.data.subarray(ch * plane, (ch + 1) * plane), ch * frames * plane);
  return { dims: [3, frames, H, W], data };
}

/** Channel concatenation of [Ca, F, H, W] and [Cb, F, H, W]. */
export function concatChannels(a: Tensor, b: Tensor): Tensor {
  if (a.dims.length !== 4 || b.dims.length !== 4 || a.dims.slice(1).join() !== b.dims.slice(1).join()) {
    throw new Error(
      `Cannot concatenate ${fmt(a.dims)} and ${fmt(b.dims)} on channels: frames and size differ.`,
    );
  }
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return { dims: [a.dims[0] + b.dims[0], ...a.dims.slice(1)], data };
}

/** TI2V mask [1, F, h, w]: 0 on latent frame 0 (kept from the image), 1 elsewhere (generated). */
export function firstFrameMask(latentFrames: number, h: number, w: number): Tensor {
  const data = new Float32Array(latentFrames * h * w).fill(1);
  data.fill(0, 0, h * w);
  return { dims: [1, latentFrames, h, w], data };
}

/** A [1, F, H, W] mask repeated to [channels, F, H, W] (the official `mask2` has the latent's channels). */
export function expandMask(mask: Tensor, channels: number): Tensor {
  if (mask.dims[0] === channels) return mask;
  if (mask.dims[0] !== 1)
    throw new Error(`A mask with ${mask.dims[0]} channels cannot be expanded to ${channels}.`);
  const data = new Float32Array(channels * mask.data.length);
  for (let c = 0; c < channels; c++) data.set(mask.data, c * mask.data.length);
  return { dims: [channels, ...mask.dims.slice(1)], data };
}

/**
 * Per-token timesteps for the DiT: channel 0 of `mask` sampled at the patch grid
 * (`mask[0][::p0, ::p1, ::p2]`, token order (f, h, w)) times t, in float32.
 */
export function perTokenTimesteps(
  mask: Tensor,
  latentDims: readonly number[],
  patch: readonly [number, number, number],
  t: number,
): Float32Array {
  const [, F, H, W] = latentDims;
  if (mask.dims.length !== 4 || mask.dims[1] !== F || mask.dims[2] !== H || mask.dims[3] !== W) {
    throw new Error(`The latent mask ${fmt(mask.dims)} does not match the latent ${fmt(latentDims)}.`);
  }
  const [p0, p1, p2] = patch;
  const fp = Math.ceil(F / p0);
  const hp = Math.ceil(H / p1);
  const wp = Math.ceil(W / p2);
  const out = new Float32Array(fp * hp * wp);
  const tt = f(t);
  let i = 0;
  for (let a = 0; a < fp; a++)
    for (let b = 0; b < hp; b++)
      for (let c = 0; c < wp; c++) out[i++] = f(mask.data[(a * p0 * H + b * p1) * W + c * p2] * tt);
  return out;
}

/**
 * (1 − mask)·firstFrame + mask·latent in float32, with broadcasting: `mask` [1|C, F, H, W],
 * `firstFrame` [C, 1|F, H, W]. Writes into `out` (may be `latent`).
 */
export function blendFirstFrame(
  latent: Float32Array,
  latentDims: readonly number[],
  firstFrame: Tensor,
  mask: Tensor,
  out: Float32Array = new Float32Array(latent.length),
): Float32Array {
  const [C, F, H, W] = latentDims;
  const plane = H * W;
  if (latent.length !== numel(latentDims))
    throw new Error(`The latent has ${latent.length} values for ${fmt(latentDims)}.`);
  const zOk =
    firstFrame.dims.length === 4 &&
    firstFrame.dims[0] === C &&
    (firstFrame.dims[1] === 1 || firstFrame.dims[1] === F) &&
    firstFrame.dims[2] === H &&
    firstFrame.dims[3] === W;
  if (!zOk)
    throw new Error(
      `The first-frame latent ${fmt(firstFrame.dims)} does not fit the latent ${fmt(latentDims)}.`,
    );
  const mOk =
    mask.dims.length === 4 &&
    (mask.dims[0] === 1 || mask.dims[0] === C) &&
    mask.dims[1] === F &&
    mask.dims[2] === H &&
    mask.dims[3] === W;
  if (!mOk) throw new Error(`The latent mask ${fmt(mask.dims)} does not fit the latent ${fmt(latentDims)}.`);
  const zF = firstFrame.dims[1];
  const mC = mask.dims[0];
  for (let c = 0; c < C; c++) {
    for (let fr = 0; fr < F; fr++) {
      const base = (c * F + fr) * plane;
      const zBase = (c * zF + (zF === 1 ? 0 : fr)) * plane;
      const mBase = ((mC === 1 ? 0 : c) * F + fr) * plane;
      for (let p = 0; p < plane; p++) {
        const m = mask.data[mBase + p];
        out[base + p] = f(f(f(1 - m) * firstFrame.data[zBase + p]) + f(m * latent[base + p]));
      }
    }
  }
  return out;
}
