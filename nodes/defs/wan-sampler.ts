/**
 * Wan Sampler: the denoising loop of the official pipelines (T2V, I2V, TI2V; one model or the
 * A14B experts) over a latent, with classifier-free guidance, seeded noise, a live preview and
 * cancellation at every step.
 */
import { defineNode, type Latent, type Tensor } from '../sdk';
import { randn } from '../runtime/samplers/noise';
import { denoise, type ExpertName, type Guidance } from '../runtime/wan/pipeline/denoise';
import { expectHandle, optionalHandle, type WanModelHandle } from '../runtime/wan/pipeline/handles';
import { ditSlot } from '../runtime/wan/pipeline/models';
import { latentPreview } from '../runtime/wan/pipeline/preview';
import { numel } from '../runtime/wan/pipeline/shapes';

const EXPERT_LABEL: Record<ExpertName, string> = {
  high: 'high-noise expert',
  low: 'low-noise expert',
  single: 'denoising',
};

/** Throws a sentence naming what does not fit between the latent, its conditioning and the model. */
export function checkModelFitsLatent(
  m: WanModelHandle,
  dims: readonly number[],
  concat: Tensor | undefined,
  contexts: readonly Tensor[],
): void {
  const c = m.config;
  const C = dims[0];
  const name = m.path;
  if (c.out_dim !== C) {
    throw new Error(
      `Wan Sampler: the latent has ${C} channels but the model ${name} makes ${c.out_dim}; use the VAE that belongs to this model (16 channels: Wan 2.1 VAE for the A14B models, 48: Wan 2.2 VAE for TI2V 5B).`,
    );
  }
  const extra = concat ? concat.dims[0] : 0;
  if (c.in_dim !== C + extra) {
    if (!concat && c.in_dim > C) {
      throw new Error(
        `Wan Sampler: ${name} is an image-to-video model (${c.in_dim} input channels); give it a latent from Image to Video with the Wan 2.1 VAE.`,
      );
    }
    throw new Error(
      `Wan Sampler: the model ${name} takes ${c.in_dim} input channels but the latent gives ${C}${concat ? ` + ${extra} image-conditioning channels` : ''}; ${concat ? 'image conditioning of this kind is for the I2V-A14B models' : 'the model and latent do not match'}.`,
    );
  }
  for (const ctxT of contexts) {
    if (ctxT.dims[1] !== c.text_dim) {
      throw new Error(
        `Wan Sampler: the text conditioning has width ${ctxT.dims[1]} but the model ${name} expects ${c.text_dim}; the text encoder does not belong to this model.`,
      );
    }
  }
}

export const wanSampler = defineNode({
  id: 'wan.sampler',
  version: 1,
  category: 'Wan/Sampling',
  title: 'Wan Sampler',
  description:
    'Denoises the latent with one diffusion model (TI2V 5B: connect model, set guidance) or the A14B experts (connect experts; the guide scales come from Expert Switch). Positive and negative conditioning: one Text Encode gives both; a second Text Encode on negative replaces the negative prompt.',
  inputs: {
    model: { type: 'MODEL', optional: true, description: 'A single diffusion model (e.g. TI2V 5B).' },
    experts: { type: 'EXPERTS', optional: true, description: 'The A14B high/low-noise experts.' },
    positive: { type: 'CONDITIONING' },
    negative: {
      type: 'CONDITIONING',
      optional: true,
      description: 'Its prompt is used as the negative one.',
    },
    latent: { type: 'LATENT' },
    schedule: { type: 'SCHEDULE' },
    seed: { type: 'INT', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, step: 1, seed: true },
    guidance: {
      type: 'FLOAT',
      default: 5,
      min: 0,
      max: 30,
      step: 0.1,
      description: 'CFG scale with a single model (Expert Switch sets its own).',
    },
  },
  outputs: {
    latent: { type: 'LATENT' },
  },
  persist: true,
  async execute(inputs, ctx) {
    const { latent, seed, guidance } = inputs;
    const N = 'Wan Sampler';
    if (inputs.model === undefined && inputs.experts === undefined) {
      throw new Error(
        'Wan Sampler: connect either a model (one diffusion model) or experts (from Expert Switch).',
      );
    }
    if (inputs.model !== undefined && inputs.experts !== undefined) {
      throw new Error('Wan Sampler: connect a model or experts, not both.');
    }
    const model = optionalHandle('MODEL', inputs.model, N, 'model');
    const experts = optionalHandle('EXPERTS', inputs.experts, N, 'experts');
    const positive = expectHandle('CONDITIONING', inputs.positive, N, 'positive');
    const negative = optionalHandle('CONDITIONING', inputs.negative, N, 'negative');
    const schedule = expectHandle('SCHEDULE', inputs.schedule, N, 'schedule');
    const dims = latent.samples.dims;
    if (dims.length !== 4)
      throw new Error(
        `Wan Sampler: the latent must be [channels, frames, height, width]; got [${dims.join(', ')}].`,
      );
    const cond = positive.cond;
    const uncond = negative ? negative.cond : positive.uncond;
    const handles = model ? [model] : [experts!.high, experts!.low];
    for (const h of handles) checkModelFitsLatent(h, dims, latent.concat, [cond, uncond]);

    const log = (m: string): void => ctx.log.warn(m);
    const g: Guidance = model
      ? { kind: 'single', model: ditSlot(ctx.models, model, log), scale: guidance }
      : {
          kind: 'moe',
          high: ditSlot(ctx.models, experts!.high, log),
          low: ditSlot(ctx.models, experts!.low, log),
          boundary: experts!.boundary,
          scales: experts!.guide,
          releaseIdle: experts!.releaseIdle,
        };
    const total = schedule.schedule.steps;
    let done = 0;
    const final = await denoise({
      solver: schedule.solver,
      schedule: schedule.schedule,
      dims: dims as [number, number, number, number],
      noise: randn(seed, numel(dims)),
      init: latent.samples.data,
      cond,
      uncond,
      ...(latent.concat ? { y: latent.concat } : {}),
      ...(latent.firstFrame && latent.mask ? { firstFrame: latent.firstFrame, mask: latent.mask } : {}),
      guidance: g,
      checkAbort: () => ctx.throwIfAborted(),
      onModel: (e) =>
        ctx.progress({ step: done, total, message: `loading ${e === 'single' ? 'model' : EXPERT_LABEL[e]}` }),
      onStep: (r) => {
        done = r.index + 1;
        ctx.progress({
          step: done,
          total,
          message: EXPERT_LABEL[r.expert],
          preview: latentPreview(r.sample, dims, { velocity: r.noisePred, sigma: r.sigma }),
        });
      },
    });
    const out: Latent = { ...latent, samples: { dims: [...dims], data: final } };
    return { latent: out };
  },
});
