/** VAE Decode: a video latent → frames (chunked, one latent frame at a time). */
import { defineNode } from '../sdk';
import { videoToImages } from '../runtime/wan/pipeline/image-prep';
import { expectHandle } from '../runtime/wan/pipeline/handles';
import { acquireVae } from '../runtime/wan/pipeline/models';

export const wanVaeDecode = defineNode({
  id: 'wan.vae_decode',
  version: 1,
  category: 'Wan/Latent',
  title: 'VAE Decode',
  description:
    'Decodes a latent into video frames with the Wan VAE it was made for (frames per second are set at Video Out).',
  inputs: {
    vae: { type: 'VAE' },
    latent: { type: 'LATENT' },
  },
  outputs: {
    images: { type: 'IMAGE' },
  },
  persist: true,
  async execute({ vae: vaeIn, latent }, ctx) {
    const vae = expectHandle('VAE', vaeIn, 'VAE Decode', 'vae');
    const space = vae.version === '2.1' ? 'wan2.1' : 'wan2.2';
    if (latent.vae && latent.vae !== space) {
      throw new Error(
        `VAE Decode: the latent was made for the ${latent.vae} VAE but this is the Wan ${vae.version} VAE.`,
      );
    }
    if (latent.samples.dims[0] !== vae.zDim) {
      throw new Error(
        `VAE Decode: the latent has ${latent.samples.dims[0]} channels but the Wan ${vae.version} VAE decodes ${vae.zDim}.`,
      );
    }
    ctx.throwIfAborted();
    const model = await acquireVae(ctx.models, vae, (m) => ctx.log.warn(m));
    const video = await model.decode(latent.samples, {
      signal: ctx.signal,
      onProgress: ({ step, total }) => ctx.progress({ step, total, message: 'decoding' }),
    });
    return { images: videoToImages(video) };
  },
});
