/** VAE Encode: frames → a video latent (for denoise < 1 or other latent work). */
import { defineNode } from '../sdk';
import { imagesToVideo } from '../runtime/wan/pipeline/image-prep';
import { expectHandle } from '../runtime/wan/pipeline/handles';
import { acquireVae } from '../runtime/wan/pipeline/models';
import { checkFrames, checkSize } from '../runtime/wan/pipeline/shapes';
import { checkImageBatch } from '../runtime/video/frame-source';

export const wanVaeEncode = defineNode({
  id: 'wan.vae_encode',
  version: 1,
  category: 'Wan/Latent',
  title: 'VAE Encode',
  description:
    'Encodes frames (4n+1 of them; width and height multiples of the VAE stride) into a Wan latent.',
  inputs: {
    vae: { type: 'VAE' },
    images: { type: 'IMAGE' },
  },
  outputs: {
    latent: { type: 'LATENT' },
  },
  persist: true,
  async execute({ vae: vaeIn, images }, ctx) {
    const vae = expectHandle('VAE', vaeIn, 'VAE Encode', 'vae');
    checkImageBatch(images);
    checkFrames(images.count, vae.stride[0], 'VAE Encode: the number of frames');
    checkSize(images.width, images.height, vae.stride[1], `VAE Encode: the Wan ${vae.version} VAE stride`);
    ctx.throwIfAborted();
    const model = await acquireVae(ctx.models, vae, (m) => ctx.log.warn(m));
    const samples = await model.encode(imagesToVideo(images), {
      signal: ctx.signal,
      onProgress: ({ step, total }) => ctx.progress({ step, total, message: 'encoding' }),
    });
    return { latent: { kind: 'latent', samples, vae: vae.version === '2.1' ? 'wan2.1' : 'wan2.2' } };
  },
});
