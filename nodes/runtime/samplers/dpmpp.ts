/**
 * Flow-matching DPM-Solver++ (2M, midpoint), matching Wan 2.2's FlowDPMSolverMultistepScheduler with
 * the defaults the pipelines use for 'dpm++': solver_order 2, algorithm 'dpmsolver++', solver_type
 * 'midpoint', lower_order_final, final_sigmas_type 'zero'.
 *
 * Step i (x at sigma_s = sigma_i, target sigma_t = sigma_{i+1}, x0_i = x - sigma_s*v in float32):
 *  - first order (step 0 and the last step): x_t = (sigma_t/sigma_s)*x - alpha_t*(exp(-h)-1)*x0_i;
 *  - otherwise second order: D0 = x0_i, D1 = (x0_i - x0_{i-1})/r0 with r0 = h_0/h,
 *    x_t = (sigma_t/sigma_s)*x - alpha_t*(exp(-h)-1)*(D0 + D1/2);
 * with alpha = 1 - sigma, lambda = log(alpha) - log(sigma), h = lambda_t - lambda_s,
 * h_0 = lambda_s - lambda_{i-1}. With Wan's sigmas step 0 starts at sigma 1 exactly: alpha_s = 0,
 * lambda_s = -inf, so step 0 gives sigma_t*x + alpha_t*x0 and step 1 sees r0 = inf, hence D1 = 0.
 * IEEE infinities are kept; coefficients are float64, each output element is rounded once to float32.
 */
import { assertDistinctLeadingTimesteps, type Schedule } from './schedule';
import { checkStepArgs, lambdaOf, predictX0, type Stepper } from './stepper';

export interface DpmppStepper extends Stepper {
  readonly kind: 'dpm++';
  /** Order used at each step taken so far: 1 = first-order update, 2 = second-order midpoint update. */
  readonly orders: readonly number[];
}

export function createDpmpp(schedule: Schedule): DpmppStepper {
  assertDistinctLeadingTimesteps(schedule, 'DPM++');
  const sig = schedule.sigmas;
  const n = schedule.steps;
  let size = -1;
  let prevX0: Float32Array | null = null;
  let spare: Float32Array | null = null;
  let lowerOrderNums = 0;
  let taken = 0;
  const orders: number[] = [];

  return {
    kind: 'dpm++',
    schedule,
    get stepsTaken() {
      return taken;
    },
    get orders() {
      return orders;
    },
    step(modelOutput, index, sample, out) {
      checkStepArgs('DPM++', schedule, taken, modelOutput, index, sample, out);
      if (size !== sample.length) {
        if (size !== -1)
          throw new Error(
            `DPM++: the latent size changed from ${size} to ${sample.length} values in the middle of sampling.`,
          );
        size = sample.length;
      }
      const i = index;
      const x0 = predictX0(modelOutput, sample, sig[i], spare ?? new Float32Array(size));
      const sigmaT = sig[i + 1];
      const sigmaS = sig[i];
      const alphaT = 1 - sigmaT;
      const lambdaS = lambdaOf(sigmaS);
      const h = lambdaOf(sigmaT) - lambdaS;
      const cX = sigmaT / sigmaS;
      const e = alphaT * (Math.exp(-h) - 1); // alpha_t*(exp(-h) - 1)
      const firstOrder = lowerOrderNums < 1 || i === n - 1 || !prevX0;
      const result = out ?? new Float32Array(size);
      if (firstOrder) {
        for (let k = 0; k < size; k++) result[k] = cX * sample[k] - e * x0[k];
      } else {
        const h0 = lambdaS - lambdaOf(sig[i - 1]);
        const r0 = h0 / h;
        const invR0 = 1 / r0; // 0 when r0 = inf (previous sigma 1)
        const p = prevX0 as Float32Array;
        if (invR0 === 0) {
          for (let k = 0; k < size; k++) result[k] = cX * sample[k] - e * x0[k];
        } else {
          const c1 = 0.5 * e * invR0;
          for (let k = 0; k < size; k++) result[k] = cX * sample[k] - e * x0[k] - c1 * (x0[k] - p[k]);
        }
      }
      orders.push(firstOrder ? 1 : 2);
      spare = prevX0;
      prevX0 = x0;
      if (lowerOrderNums < 2) lowerOrderNums++;
      taken++;
      return result;
    },
    reset() {
      prevX0 = spare = null;
      lowerOrderNums = 0;
      taken = 0;
      size = -1;
      orders.length = 0;
    },
  };
}
