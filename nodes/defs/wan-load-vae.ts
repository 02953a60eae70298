/** Load VAE: the Wan 2.1 or Wan 2.2 video VAE (detected from the weights) as a VAE. */
import { defineNode } from '../sdk';
import type { VaeHandle } from '../runtime/wan/pipeline/handles';
import { acquireVaeFile, modelKey, runtimeFromSettings } from '../runtime/wan/pipeline/models';

export const wanLoadVae = defineNode({
  id: 'wan.load_vae',
  version: 1,
  category: 'Wan/Loaders',
  title: 'Load VAE',
  description:
    'A Wan video VAE from vae/: the Wan 2.1 VAE (16 latent channels, 8× smaller; used by the A14B models) or the Wan 2.2 VAE (48 channels, 16× smaller; used by TI2V 5B). The version is detected from the weights.',
  inputs: {
    vae: {
      type: 'FILE',
      kind: 'model',
      folder: 'vae',
      extensions: ['.safetensors', '.pth', '.pt'],
      default: '',
      description:
        'The VAE weights: .safetensors, or a PyTorch .pth such as the official Wan2.1_VAE.pth / Wan2.2_VAE.pth.',
    },
  },
  outputs: {
    vae: { type: 'VAE' },
  },
  async execute({ vae }, ctx) {
    if (!vae) throw new Error('Load VAE: no VAE file is selected.');
    ctx.throwIfAborted();
    const runtime = runtimeFromSettings(ctx.settings);
    const key = modelKey('wan-vae', vae, runtime);
    // Loading reads the header and checks every tensor; sessions are created at the first use.
    const loaded = await acquireVaeFile(ctx.models, key, vae, runtime, undefined, (m) => ctx.log.warn(m));
    const handle: VaeHandle = {
      kind: 'wan-vae',
      path: vae,
      key,
      version: loaded.version,
      zDim: loaded.zDim,
      stride: [...loaded.stride],
      runtime,
    };
    ctx.log.info(
      `${vae}: Wan ${handle.version} VAE, ${handle.zDim} latent channels, stride ${handle.stride.join('×')}`,
    );
    return { vae: handle };
  },
});
