/**
 * Flow-matching Euler: x_{i+1} = x_i + (sigma_{i+1} - sigma_i)*v, in float32 exactly as diffusers'
 * FlowMatchEulerDiscreteScheduler.step (the sigma difference is a float32 scalar, then a float32
 * multiply-add per element). Not part of the official Wan 2.2 code, which only has UniPC and DPM++.
 */
import type { Schedule } from './schedule';
import { checkStepArgs, type Stepper } from './stepper';

export interface EulerStepper extends Stepper {
  readonly kind: 'euler';
}

export function createEuler(schedule: Schedule): EulerStepper {
  const sig = schedule.sigmas;
  let taken = 0;
  return {
    kind: 'euler',
    schedule,
    get stepsTaken() {
      return taken;
    },
    step(modelOutput, index, sample, out) {
      checkStepArgs('Euler', schedule, taken, modelOutput, index, sample, out);
      const f = Math.fround;
      const dt = f(sig[index + 1] - sig[index]);
      const result = out ?? new Float32Array(sample.length);
      for (let k = 0; k < sample.length; k++) result[k] = sample[k] + f(dt * modelOutput[k]);
      taken++;
      return result;
    },
    reset() {
      taken = 0;
    },
  };
}
