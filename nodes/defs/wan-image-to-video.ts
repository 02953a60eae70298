/**
 * Image to Video: the starting latent of an image-to-video run, conditioned on the image.
 * Wan 2.1 VAE (I2V-A14B): 4-channel first-frame mask + VAE latent of [image, zeros…] as `concat`;
 * Wan 2.2 VAE (TI2V-5B): the clean first-frame latent and the mask that keeps it.
 */
import { defineNode, type Latent } from '../sdk';
import { expectHandle } from '../runtime/wan/pipeline/handles';
import { firstFrameConditioning, i2vConditioning } from '../runtime/wan/pipeline/image-conditioning';
import { imageForVideo } from '../runtime/wan/pipeline/image-prep';
import { acquireVae } from '../runtime/wan/pipeline/models';
import { latentShape, numel } from '../runtime/wan/pipeline/shapes';
import { checkImageBatch } from '../runtime/video/frame-source';

export const wanImageToVideo = defineNode({
  id: 'wan.image_to_video',
  version: 1,
  category: 'Wan/Conditioning',
  title: 'Image to Video',
  description:
    'Starts the video from an image (its first frame). The image is scaled to cover width×height and centre-cropped. With the Wan 2.1 VAE it makes the I2V-A14B conditioning; with the Wan 2.2 VAE the TI2V-5B first-frame conditioning.',
  inputs: {
    vae: { type: 'VAE' },
    image: { type: 'IMAGE', description: 'The first frame (of a batch, the first image is used).' },
    width: { type: 'INT', default: 832, min: 16, max: 4096, step: 16 },
    height: { type: 'INT', default: 480, min: 16, max: 4096, step: 16 },
    frames: { type: 'INT', default: 81, min: 1, max: 1001, step: 4, description: '4n+1 video frames.' },
  },
  outputs: {
    latent: { type: 'LATENT' },
  },
  async execute({ vae: vaeIn, image, width, height, frames }, ctx) {
    const vae = expectHandle('VAE', vaeIn, 'Image to Video', 'vae');
    checkImageBatch(image, 'image');
    const dims = latentShape(vae.zDim, vae.stride, width, height, frames);
    ctx.throwIfAborted();
    const model = await acquireVae(ctx.models, vae, (m) => ctx.log.warn(m));
    const pixels = imageForVideo(image, width, height);
    const opts = {
      signal: ctx.signal,
      onProgress: ({ step, total }: { step: number; total: number }) =>
        ctx.progress({ step, total, message: 'encoding image' }),
    };
    const samples = { dims, data: new Float32Array(numel(dims)) };
    let latent: Latent;
    if (vae.version === '2.1') {
      const { y } = await i2vConditioning(model, pixels, frames, opts);
      latent = { kind: 'latent', samples, vae: 'wan2.1', concat: y };
    } else {
      const { firstFrame, mask } = await firstFrameConditioning(model, pixels, dims[1], opts);
      latent = { kind: 'latent', samples, vae: 'wan2.2', firstFrame, mask };
    }
    return { latent };
  },
});
