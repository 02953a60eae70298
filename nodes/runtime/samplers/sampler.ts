/**
 * One entry point over the three samplers, plus the helpers the Wan Sampler node uses.
 *
 *   const s = createSampler('unipc', { steps: 40, shift: 12 });
 *   for (let i = 0; i < s.schedule.steps; i++) {
 *     const t = s.schedule.timesteps[i];
 *     const g = guideScale([3, 4], chooseExpert(t, 0.875));
 *     x = s.step(cfg(uncond(x, t), cond(x, t), g), i, x);
 *   }
 */
import { createDpmpp } from './dpmpp';
import { createEuler } from './euler';
import { buildSchedule, type Schedule, type ScheduleKind, type ScheduleOptions } from './schedule';
import { SAMPLER_KINDS, SamplerError, type SamplerKind, type Stepper } from './stepper';
import { createUniPC, type UniPCOptions } from './unipc';

export { chooseExpert, guideScale, cfg, type Expert } from './guidance';
export { SAMPLER_KINDS, SamplerError, type SamplerKind, type Stepper } from './stepper';
export { buildSchedule, type Schedule, type ScheduleKind, type ScheduleOptions } from './schedule';

export interface SamplerOptions extends ScheduleOptions, UniPCOptions {
  /** Sigma recipe; defaults to the sampler's own ('euler' uses Wan's sigmas; 'euler-diffusers' is diffusers' default). */
  schedule?: ScheduleKind;
}

/** The sigma recipe each sampler uses by default (the official pipelines' choice). */
export function defaultScheduleKind(kind: SamplerKind): ScheduleKind {
  return kind;
}

/** A stepper of `kind` over an already built schedule. */
export function createStepper(kind: SamplerKind, schedule: Schedule, opts: UniPCOptions = {}): Stepper {
  switch (kind) {
    case 'unipc':
      return createUniPC(schedule, opts);
    case 'dpm++':
      return createDpmpp(schedule);
    case 'euler':
      return createEuler(schedule);
    default:
      throw new SamplerError(
        `Unknown sampler "${String(kind)}"; expected one of ${SAMPLER_KINDS.join(', ')}.`,
      );
  }
}

/** Builds the schedule for `kind` (see schedule.ts for steps/shift/denoise/startStep/endStep) and its stepper. */
export function createSampler(kind: SamplerKind, opts: SamplerOptions): Stepper {
  if (!SAMPLER_KINDS.includes(kind)) {
    throw new SamplerError(`Unknown sampler "${String(kind)}"; expected one of ${SAMPLER_KINDS.join(', ')}.`);
  }
  return createStepper(kind, buildSchedule(opts.schedule ?? defaultScheduleKind(kind), opts), opts);
}

/**
 * Flow-matching forward noising for partial denoising: sigma*noise + (1 - sigma)*latent, in float32.
 * Use the schedule's first sigma (schedule.sigmas[0]) to start a denoise < 1 run from an existing latent.
 */
export function noiseLatent(
  latent: Float32Array,
  noise: Float32Array,
  sigma: number,
  out?: Float32Array,
): Float32Array {
  if (latent.length !== noise.length) {
    throw new RangeError(`The noise has ${noise.length} values but the latent has ${latent.length}.`);
  }
  const f = Math.fround;
  const s = f(sigma);
  const a = f(1 - s);
  const result = out ?? new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) result[i] = f(s * noise[i]) + f(a * latent[i]);
  return result;
}
