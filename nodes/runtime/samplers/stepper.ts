import type { Schedule } from './schedule';

export type SamplerKind = 'unipc' | 'dpm++' | 'euler';

export const SAMPLER_KINDS: readonly SamplerKind[] = ['unipc', 'dpm++', 'euler'];

/**
 * A sampler bound to one schedule. `step(v, i, x)` moves the sample `x` at sigmas[i] to sigmas[i+1]
 * given the model's flow (velocity) prediction `v` at (x, timesteps[i]). Steps must be taken in order
 * 0, 1, ..., schedule.steps-1 (multistep samplers keep history); `reset()` starts over.
 * The returned array is new (or `out` when given; `out` may be `sample` itself) and never aliases
 * internal state. `index` counts within the schedule's own steps (0..schedule.steps-1), also for
 * partial schedules; feed the model schedule.timesteps[index].
 */
export interface Stepper {
  readonly kind: SamplerKind;
  readonly schedule: Schedule;
  /** Number of steps taken so far (the index the next step must have). */
  readonly stepsTaken: number;
  step(modelOutput: Float32Array, index: number, sample: Float32Array, out?: Float32Array): Float32Array;
  reset(): void;
}

export class SamplerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamplerError';
  }
}

/** Shared argument checks of every stepper's `step()`. */
export function checkStepArgs(
  name: string,
  schedule: Schedule,
  stepsTaken: number,
  modelOutput: Float32Array,
  index: number,
  sample: Float32Array,
  out: Float32Array | undefined,
): void {
  if (index !== stepsTaken) {
    if (index >= schedule.steps || index < 0 || !Number.isInteger(index)) {
      throw new SamplerError(
        `${name}: step ${String(index)} is outside the schedule of ${schedule.steps} steps.`,
      );
    }
    throw new SamplerError(
      `${name}: step ${index} was requested but ${stepsTaken} steps have been taken; steps run in order (call reset() to start over).`,
    );
  }
  if (index >= schedule.steps) {
    throw new SamplerError(`${name}: step ${index} is outside the schedule of ${schedule.steps} steps.`);
  }
  if (modelOutput.length !== sample.length) {
    throw new SamplerError(
      `${name}: the model output has ${modelOutput.length} values but the latent has ${sample.length}; they must match.`,
    );
  }
  if (out && out.length !== sample.length) {
    throw new SamplerError(
      `${name}: the output buffer has ${out.length} values but the latent has ${sample.length}.`,
    );
  }
}

/** lambda(sigma) = log(alpha) - log(sigma) with alpha = 1 - sigma; -inf at sigma 1 and +inf at sigma 0 (IEEE). */
export function lambdaOf(sigma: number): number {
  return Math.log(1 - sigma) - Math.log(sigma);
}

/** x0 = x - sigma*v, computed in float32 as the reference (`sample - sigma_t * model_output`). */
export function predictX0(
  modelOutput: Float32Array,
  sample: Float32Array,
  sigma: number,
  out: Float32Array,
): Float32Array {
  const s = Math.fround(sigma);
  const f = Math.fround;
  for (let i = 0; i < sample.length; i++) out[i] = sample[i] - f(s * modelOutput[i]);
  return out;
}
