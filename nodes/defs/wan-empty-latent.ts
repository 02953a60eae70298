/** Empty Video Latent: an all-zero latent for a width×height×frames video in the VAE's latent space. */
import { defineNode } from '../sdk';
import { expectHandle } from '../runtime/wan/pipeline/handles';
import { latentShape, numel } from '../runtime/wan/pipeline/shapes';

export const wanEmptyLatent = defineNode({
  id: 'wan.empty_latent',
  version: 1,
  category: 'Wan/Latent',
  title: 'Empty Video Latent',
  description:
    'The starting latent of a text-to-video run. Frames must be 4n+1 (81 = 5 s at 16 fps); width and height multiples of 16 (Wan 2.1 VAE) or 32 (Wan 2.2 VAE).',
  inputs: {
    vae: { type: 'VAE', description: 'Decides the latent channels and the size reduction.' },
    width: { type: 'INT', default: 832, min: 16, max: 4096, step: 16 },
    height: { type: 'INT', default: 480, min: 16, max: 4096, step: 16 },
    frames: { type: 'INT', default: 81, min: 1, max: 1001, step: 4, description: '4n+1 video frames.' },
  },
  outputs: {
    latent: { type: 'LATENT' },
  },
  execute({ vae: vaeIn, width, height, frames }, ctx) {
    const vae = expectHandle('VAE', vaeIn, 'Empty Video Latent', 'vae');
    ctx.throwIfAborted();
    const dims = latentShape(vae.zDim, vae.stride, width, height, frames);
    return {
      latent: {
        kind: 'latent',
        samples: { dims, data: new Float32Array(numel(dims)) },
        vae: vae.version === '2.1' ? 'wan2.1' : 'wan2.2',
      },
    };
  },
});
