/**
 * Builds a latent's image conditioning with a VAE, as the official pipelines do:
 *  - Wan 2.1 VAE (I2V-A14B): y = cat(4-channel first-frame mask, VAE(image, zeros…)) [20, F, h, w];
 *  - Wan 2.2 VAE (TI2V-5B): z = VAE(image) [48, 1, h, w] and the mask that keeps latent frame 0.
 */
import type { Tensor } from '../../../sdk';
import type { VaeRunOptions, WanVae } from '../vae/vae';
import { concatChannels, firstFrameMask, firstFrameVideo, i2vMask } from './conditioning';

export interface I2vConditioning {
  /** [4 + z, F, h, w]: the DiT's extra input channels. */
  y: Tensor;
  /** The 4-channel mask part of y. */
  mask: Tensor;
}

/** I2V-A14B conditioning of `image` [3, H, W] for a `frames`-frame video. */
export async function i2vConditioning(
  vae: WanVae,
  image: Tensor,
  frames: number,
  opts?: VaeRunOptions,
): Promise<I2vConditioning> {
  const latent = await vae.encode(firstFrameVideo(image, frames), opts);
  const [, , h, w] = latent.dims as [number, number, number, number];
  const mask = i2vMask(frames, h, w, vae.stride[0]);
  return { y: concatChannels(mask, latent), mask };
}

export interface FirstFrameConditioning {
  /** Clean latent of the image, [z, 1, h, w]. */
  firstFrame: Tensor;
  /** [1, F, h, w]: 0 on latent frame 0, 1 elsewhere. */
  mask: Tensor;
}

/** TI2V conditioning of `image` [3, H, W] for a latent with `latentFrames` frames. */
export async function firstFrameConditioning(
  vae: WanVae,
  image: Tensor,
  latentFrames: number,
  opts?: VaeRunOptions,
): Promise<FirstFrameConditioning> {
  const [, H, W] = image.dims as [number, number, number];
  const z = await vae.encode({ dims: [3, 1, H, W], data: image.data }, opts);
  const [, , h, w] = z.dims as [number, number, number, number];
  return { firstFrame: z, mask: firstFrameMask(latentFrames, h, w) };
}
