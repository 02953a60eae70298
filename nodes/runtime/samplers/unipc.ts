/**
 * Flow-matching UniPC multistep sampler, matching Wan 2.2's FlowUniPCMultistepScheduler with the
 * defaults the pipelines use: solver_order 2, bh2 (B(h) = expm1(-h)), predict_x0, lower_order_final,
 * final_sigmas_type 'zero', UniC corrector on every step after the first.
 *
 * Step i (sample x at sigma_i, flow prediction v):
 *  1. x0_i = x - sigma_i*v (float32).
 *  2. i > 0: the UniC corrector rewrites the sample from the previous corrected sample, the previous
 *     x0s and x0_i, with the previous predictor's order (rho = 0.5 for order 1; a 2x2 solve for order 2).
 *  3. The UniP predictor moves the (corrected) sample to sigma_{i+1} with order
 *     min(2, steps - i, warm-up steps + 1) (rho = 0.5 for order 2).
 * lambda(sigma) = log(1-sigma) - log(sigma); at sigma_{i+1} = 0 lambda is +inf, expm1(-inf) = -1 and the
 * predictor returns exactly x0 (IEEE infinities are kept, not special-cased).
 * Scalar coefficients are float64 from the float32 sigmas; each output element is rounded once to float32.
 */
import { assertDistinctLeadingTimesteps, type Schedule } from './schedule';
import { checkStepArgs, lambdaOf, predictX0, type Stepper } from './stepper';

export interface UniPCOptions {
  /** Step indices i whose corrector (run at step i+1) is disabled, as the reference's `disable_corrector`. */
  disableCorrector?: readonly number[];
}

export interface UniPCStepper extends Stepper {
  readonly kind: 'unipc';
  /** Predictor order used at each step taken so far (1 or 2); the corrector of step i+1 uses orders[i]. */
  readonly orders: readonly number[];
  /** Whether the UniC corrector ran at each step taken so far. */
  readonly correctorUsed: readonly boolean[];
  /** The corrected sample of the latest step (the sample its predictor started from), or null if the corrector did not run. Internal buffer: copy it to keep it. */
  readonly lastCorrected: Float32Array | null;
  /** The reference's `lower_order_nums` (warm-up counter, at most 2). */
  readonly lowerOrderNums: number;
  /** The x0 predictions kept for the next step, oldest first (null until filled). Internal buffers. */
  readonly x0History: readonly [Float32Array | null, Float32Array | null];
  /** The sample the latest predictor started from (the reference's `last_sample`). Internal buffer. */
  readonly lastSample: Float32Array | null;
}

const SOLVER_ORDER = 2;

export function createUniPC(schedule: Schedule, opts: UniPCOptions = {}): UniPCStepper {
  assertDistinctLeadingTimesteps(schedule, 'UniPC');
  const disabled = new Set(opts.disableCorrector ?? []);
  const sig = schedule.sigmas;
  const n = schedule.steps;

  let size = -1;
  // x0 ring: m[older], m[last], plus a scratch buffer for the new prediction.
  let x0Older: Float32Array | null = null;
  let x0Last: Float32Array | null = null;
  let x0Spare: Float32Array | null = null;
  let last: Float32Array | null = null; // last_sample
  let spare: Float32Array | null = null; // buffer for the next corrected sample
  let lowerOrderNums = 0;
  let taken = 0;
  let lastCorrected: Float32Array | null = null;
  const orders: number[] = [];
  const correctorUsed: boolean[] = [];

  const ensure = (len: number): void => {
    if (size === len) return;
    if (size !== -1) {
      throw new Error(
        `UniPC: the latent size changed from ${size} to ${len} values in the middle of sampling.`,
      );
    }
    size = len;
  };

  const alloc = (buf: Float32Array | null): Float32Array => buf ?? new Float32Array(size);

  /** UniC corrector at step i: writes the corrected sample into `outBuf`. */
  const correct = (
    i: number,
    order: number,
    xLast: Float32Array,
    m0: Float32Array,
    m1: Float32Array | null,
    mt: Float32Array,
    outBuf: Float32Array,
  ): void => {
    const sigmaT = sig[i];
    const sigmaS0 = sig[i - 1];
    const alphaT = 1 - sigmaT;
    const lambdaS0 = lambdaOf(sigmaS0);
    const h = lambdaOf(sigmaT) - lambdaS0;
    const hh = -h;
    const hPhi1 = Math.expm1(hh);
    const bH = hPhi1; // bh2
    const a = alphaT * bH;
    const cX = sigmaT / sigmaS0;
    let cM0: number;
    let cM1 = 0;
    let cMt: number;
    if (order === 1) {
      const rho = 0.5;
      cM0 = -alphaT * hPhi1 + a * rho;
      cMt = -a * rho;
    } else {
      const rk = (lambdaOf(sig[i - 2]) - lambdaS0) / h;
      const hPhiK1 = hPhi1 / hh - 1;
      const b1 = hPhiK1 / bH;
      const hPhiK2 = hPhiK1 / hh - 1 / 2;
      const b2 = (hPhiK2 * 2) / bH;
      // Solve [[1, 1], [rk, 1]] [rho0, rho1]^T = [b1, b2]^T.
      const rho0 = (b1 - b2) / (1 - rk);
      const rho1 = b1 - rho0;
      // x_t = cX*x - alphaT*hPhi1*m0 - a*(rho0*(m1 - m0)/rk + rho1*(mt - m0))
      cM0 = -alphaT * hPhi1 + (a * rho0) / rk + a * rho1;
      cM1 = -(a * rho0) / rk;
      cMt = -a * rho1;
    }
    if (m1 && cM1 !== 0) {
      for (let k = 0; k < size; k++) outBuf[k] = cX * xLast[k] + cM0 * m0[k] + cM1 * m1[k] + cMt * mt[k];
    } else {
      for (let k = 0; k < size; k++) outBuf[k] = cX * xLast[k] + cM0 * m0[k] + cMt * mt[k];
    }
  };

  /** UniP predictor from sigma_i to sigma_{i+1}. */
  const predict = (
    i: number,
    order: number,
    x: Float32Array,
    m0: Float32Array,
    m1: Float32Array | null,
    outBuf: Float32Array,
  ): void => {
    const sigmaT = sig[i + 1];
    const sigmaS0 = sig[i];
    const alphaT = 1 - sigmaT;
    const lambdaS0 = lambdaOf(sigmaS0);
    const h = lambdaOf(sigmaT) - lambdaS0;
    const hPhi1 = Math.expm1(-h);
    const bH = hPhi1;
    const cX = sigmaT / sigmaS0;
    if (order === 1 || !m1) {
      const cM0 = -alphaT * hPhi1;
      if (cX === 0) for (let k = 0; k < size; k++) outBuf[k] = cM0 * m0[k];
      else for (let k = 0; k < size; k++) outBuf[k] = cX * x[k] + cM0 * m0[k];
      return;
    }
    const rk = (lambdaOf(sig[i - 1]) - lambdaS0) / h;
    const rho = 0.5;
    // x_t = cX*x - alphaT*hPhi1*m0 - alphaT*bH*rho*(m1 - m0)/rk
    const d = (alphaT * bH * rho) / rk;
    const cM0 = -alphaT * hPhi1 + d;
    const cM1 = -d;
    for (let k = 0; k < size; k++) outBuf[k] = cX * x[k] + cM0 * m0[k] + cM1 * m1[k];
  };

  const stepper: UniPCStepper = {
    kind: 'unipc',
    schedule,
    get stepsTaken() {
      return taken;
    },
    get orders() {
      return orders;
    },
    get correctorUsed() {
      return correctorUsed;
    },
    get lastCorrected() {
      return lastCorrected;
    },
    get lowerOrderNums() {
      return lowerOrderNums;
    },
    get x0History(): readonly [Float32Array | null, Float32Array | null] {
      return [x0Older, x0Last];
    },
    get lastSample() {
      return last;
    },
    step(modelOutput, index, sample, out) {
      checkStepArgs('UniPC', schedule, taken, modelOutput, index, sample, out);
      ensure(sample.length);
      const i = index;
      const x0 = predictX0(modelOutput, sample, sig[i], alloc(x0Spare));

      const useCorrector = i > 0 && !disabled.has(i - 1) && last !== null;
      const cur = alloc(spare);
      if (useCorrector && last && x0Last) {
        correct(i, orders[i - 1], last, x0Last, x0Older, x0, cur);
        lastCorrected = cur;
      } else {
        cur.set(sample);
        lastCorrected = null;
      }
      // Shift the x0 history.
      x0Spare = x0Older;
      x0Older = x0Last;
      x0Last = x0;

      const order = Math.min(SOLVER_ORDER, n - i, lowerOrderNums + 1);
      spare = last;
      last = cur;

      const result = out ?? new Float32Array(size);
      predict(i, order, cur, x0Last, order === 2 ? x0Older : null, result);
      if (lowerOrderNums < SOLVER_ORDER) lowerOrderNums++;
      orders.push(order);
      correctorUsed.push(useCorrector);
      taken++;
      return result;
    },
    reset() {
      x0Older = x0Last = x0Spare = last = spare = lastCorrected = null;
      lowerOrderNums = 0;
      taken = 0;
      size = -1;
      orders.length = 0;
      correctorUsed.length = 0;
    },
  };
  return stepper;
}
