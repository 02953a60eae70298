/** Load Diffusion Model: a Wan 2.2 DiT checkpoint (.safetensors or torch.save .pth/.pt) as a MODEL. */
import { defineNode } from '../sdk';
import { inspectCheckpoint } from '../runtime/wan/layout/inspect';
import type { WanModelHandle } from '../runtime/wan/pipeline/handles';
import { modelKey, runtimeFromSettings } from '../runtime/wan/pipeline/models';

/** The most common floating-point dtype of a checkpoint's tensors. */
function mainDtype(dtypes: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const d of dtypes) counts.set(d, (counts.get(d) ?? 0) + 1);
  let best = '';
  let n = -1;
  for (const [d, c] of counts) if (c > n) [best, n] = [d, c];
  return best;
}

export const wanLoadDiffusionModel = defineNode({
  id: 'wan.load_diffusion_model',
  version: 1,
  category: 'Wan/Loaders',
  title: 'Load Diffusion Model',
  description:
    'A Wan 2.2 diffusion model (T2V/I2V A14B expert or TI2V 5B) from diffusion_models/. Official, diffusers and ComfyUI key layouts; F32, F16 or BF16 weights, read in place. The model is loaded when a sampler first needs it and kept in the model pool.',
  inputs: {
    model: {
      type: 'FILE',
      kind: 'model',
      folder: 'diffusion_models',
      extensions: ['.safetensors', '.pth', '.pt'],
      default: '',
      description:
        'The .safetensors (or PyTorch .pth/.pt) file; a config.json beside it is used when present.',
    },
  },
  outputs: {
    model: { type: 'MODEL' },
  },
  async execute({ model }, ctx) {
    if (!model) throw new Error('Load Diffusion Model: no model file is selected.');
    ctx.throwIfAborted();
    const ck = await inspectCheckpoint(model, { expectKind: 'dit' });
    try {
      if (ck.kind !== 'dit') throw new Error(`${model} is not a diffusion model.`);
      const runtime = runtimeFromSettings(ctx.settings);
      const dtypes = ck.files.flatMap((f) => [...f.tensors.values()].map((t) => t.dtype));
      const handle: WanModelHandle = {
        kind: 'wan-model',
        path: ck.file.path,
        key: modelKey('wan-dit', ck.file.path, runtime),
        config: ck.config,
        layout: ck.layout,
        dtype: mainDtype(dtypes),
        runtime,
      };
      const c = ck.config;
      ctx.log.info(
        `${handle.path}: Wan ${c.model_type} DiT, dim ${c.dim}, ${c.num_layers} layers, in ${c.in_dim} / out ${c.out_dim} channels, ${handle.layout} layout, ${handle.dtype}`,
      );
      return { model: handle };
    } finally {
      await ck.close();
    }
  },
});
