/**
 * Shifted flow-matching sigma schedules and the timesteps fed to the Wan DiT.
 *
 * Four recipes, each reproducing a reference implementation to the last bit of the float64 values
 * (numpy `linspace` is evaluated as numpy does: `start + i*step`, the end point set exactly):
 *  - `unipc`: Wan 2.2 `FlowUniPCMultistepScheduler.set_timesteps(N, shift)`:
 *    linspace(sigma_max, 0, N+1)[:-1] with sigma_max = float32(0.999) = 0.9990000128746033,
 *    shifted in float64; timesteps = trunc(sigma*1000) (so the first one is 999).
 *  - `dpm++`: Wan 2.2 `get_sampling_sigmas(N, shift)` = linspace(1, 0, N+1)[:N] shifted
 *    (first sigma exactly 1, first timestep 1000), timesteps truncated as above.
 *  - `euler`: the same Wan sigmas, cast to float32 first, as diffusers'
 *    FlowMatchEulerDiscreteScheduler(shift=1).set_timesteps(sigmas=...) does; timesteps are the
 *    float32 products sigma*1000 (not truncated).
 *  - `euler-diffusers`: diffusers' own default FlowMatchEulerDiscreteScheduler(shift).set_timesteps(N):
 *    linspace(1000*sigma_max, 1000*sigma_min, N) where sigma_min is the already shifted float32 training
 *    sigma, shifted a second time. It differs from Wan's recipe; offered for parity with diffusers.
 * Every schedule stores its sigmas as float32 with a trailing 0.
 *
 * Partial sampling (applied to any recipe):
 *  - `denoise` d in (0, 1]: like ComfyUI, build the schedule for floor(steps/d) steps and run only its
 *    last `steps` steps (d = 1 is the full schedule).
 *  - `startStep` / `endStep`: run steps [startStep, endStep) of those `steps` steps (endStep exclusive,
 *    default `steps`); the sigma after the last step run is kept, so a run that stops early ends on a
 *    non-zero sigma, as ComfyUI's KSamplerAdvanced does without "force full denoise".
 */

export type ScheduleKind = 'unipc' | 'dpm++' | 'euler' | 'euler-diffusers';

export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['unipc', 'dpm++', 'euler', 'euler-diffusers'];

export const NUM_TRAIN_TIMESTEPS = 1000;

/** float32(1 - 1/1000): the largest training sigma of the Wan schedulers, read back as a float64. */
export const SIGMA_MAX_F32 = Math.fround(1 - 1 / NUM_TRAIN_TIMESTEPS);

export interface ScheduleOptions {
  /** Number of sampling steps (a positive integer). With `denoise` < 1 these are the steps actually run. */
  steps: number;
  /** Flow shift (> 0); 1 leaves the sigmas unchanged. */
  shift: number;
  /** Fraction of the noise schedule to run, in (0, 1]; default 1. */
  denoise?: number;
  /** First step to run, counted within the `steps` steps; default 0. */
  startStep?: number;
  /** Step to stop before (exclusive), counted within the `steps` steps; default `steps`. */
  endStep?: number;
}

export interface Schedule {
  readonly kind: ScheduleKind;
  readonly shift: number;
  /** Steps of the underlying full schedule (floor(steps/denoise)). */
  readonly totalSteps: number;
  /** Index in the full schedule of the first step run. */
  readonly startIndex: number;
  /** Steps run: timesteps.length. */
  readonly steps: number;
  /** float32 values, [steps + 1]: the sigma at each step run, then the sigma it ends on (0 for a full run). */
  readonly sigmas: Float32Array;
  /** The float64 sigmas before the float32 cast, [steps] (for `euler` these are already float32 values). */
  readonly sigmasF64: Float64Array;
  /** Timesteps fed to the model, [steps]: integers for unipc/dpm++, float32 values for euler kinds. */
  readonly timesteps: Float64Array;
  /** True where the timesteps are integers (int64 in the reference code). */
  readonly integerTimesteps: boolean;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

/** numpy.linspace(start, stop, num) with endpoint=True, evaluated exactly as numpy does in float64. */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  out[num - 1] = stop;
  return out;
}

/** The Wan/SD3 flow shift sigma' = shift*sigma / (1 + (shift-1)*sigma), in float64 (numpy's order of operations). */
export function shiftSigma(sigma: number, shift: number): number {
  return (shift * sigma) / (1 + (shift - 1) * sigma);
}

/** Wan 2.2 `get_sampling_sigmas(steps, shift)`: linspace(1, 0, steps+1)[:steps], shifted (float64). */
export function wanSamplingSigmas(steps: number, shift: number): Float64Array {
  const base = linspace(1, 0, steps + 1);
  const out = new Float64Array(steps);
  for (let i = 0; i < steps; i++) out[i] = shiftSigma(base[i], shift);
  return out;
}

/** The float64 sigmas of `FlowUniPCMultistepScheduler.set_timesteps(steps, shift)` before the float32 cast. */
export function unipcSigmasF64(steps: number, shift: number): Float64Array {
  const base = linspace(SIGMA_MAX_F32, 0, steps + 1);
  const out = new Float64Array(steps);
  for (let i = 0; i < steps; i++) out[i] = shiftSigma(base[i], shift);
  return out;
}

function validate(opts: ScheduleOptions): {
  steps: number;
  shift: number;
  denoise: number;
  start: number;
  end: number;
} {
  const { steps, shift } = opts;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new ScheduleError(`Sampling steps must be a whole number of at least 1, got ${String(steps)}.`);
  }
  if (!Number.isFinite(shift) || shift <= 0) {
    throw new ScheduleError(`Shift must be a positive number, got ${String(shift)}.`);
  }
  const denoise = opts.denoise ?? 1;
  if (!Number.isFinite(denoise) || denoise <= 0 || denoise > 1) {
    throw new ScheduleError(`Denoise must be greater than 0 and at most 1, got ${String(denoise)}.`);
  }
  const start = opts.startStep ?? 0;
  const end = opts.endStep ?? steps;
  if (!Number.isInteger(start) || start < 0 || start >= steps) {
    throw new ScheduleError(
      `Start step must be a whole number from 0 to ${steps - 1} (steps ${steps}), got ${String(start)}.`,
    );
  }
  if (!Number.isInteger(end) || end <= start || end > steps) {
    throw new ScheduleError(
      `End step must be a whole number greater than the start step ${start} and at most the number of steps ${steps}, got ${String(end)}.`,
    );
  }
  return { steps, shift, denoise, start, end };
}

interface FullSchedule {
  sigmasF64: Float64Array; // [n]
  sigmas: Float32Array; // [n + 1], trailing 0
  timesteps: Float64Array; // [n]
  integerTimesteps: boolean;
}

function fullSchedule(kind: ScheduleKind, n: number, shift: number): FullSchedule {
  let sigmasF64: Float64Array;
  const timesteps = new Float64Array(n);
  let integerTimesteps = true;
  switch (kind) {
    case 'unipc':
      sigmasF64 = unipcSigmasF64(n, shift);
      for (let i = 0; i < n; i++) timesteps[i] = Math.trunc(sigmasF64[i] * NUM_TRAIN_TIMESTEPS);
      break;
    case 'dpm++':
      // set_timesteps re-applies the scheduler's own shift of 1, an exact identity.
      sigmasF64 = wanSamplingSigmas(n, shift);
      for (let i = 0; i < n; i++) timesteps[i] = Math.trunc(sigmasF64[i] * NUM_TRAIN_TIMESTEPS);
      break;
    case 'euler': {
      const wan = wanSamplingSigmas(n, shift);
      sigmasF64 = new Float64Array(n);
      for (let i = 0; i < n; i++) sigmasF64[i] = Math.fround(wan[i]);
      for (let i = 0; i < n; i++) timesteps[i] = Math.fround(sigmasF64[i] * NUM_TRAIN_TIMESTEPS);
      integerTimesteps = false;
      break;
    }
    case 'euler-diffusers': {
      // Training sigmas in float32: t/1000 for t = 1000..1, shifted with float32 arithmetic.
      const f = Math.fround;
      const s32 = f(shift);
      const sm1 = f(shift - 1);
      const trainShift = (s: number): number => f(f(s32 * s) / f(1 + f(sm1 * s)));
      const sigmaMax = trainShift(f(1));
      const sigmaMin = trainShift(f(1 / NUM_TRAIN_TIMESTEPS));
      const ts = linspace(sigmaMax * NUM_TRAIN_TIMESTEPS, sigmaMin * NUM_TRAIN_TIMESTEPS, n);
      sigmasF64 = new Float64Array(n);
      for (let i = 0; i < n; i++) sigmasF64[i] = shiftSigma(ts[i] / NUM_TRAIN_TIMESTEPS, shift);
      for (let i = 0; i < n; i++) timesteps[i] = f(f(sigmasF64[i]) * NUM_TRAIN_TIMESTEPS);
      integerTimesteps = false;
      break;
    }
    default:
      throw new ScheduleError(
        `Unknown schedule "${String(kind)}"; expected one of ${SCHEDULE_KINDS.join(', ')}.`,
      );
  }
  const sigmas = new Float32Array(n + 1);
  sigmas.set(sigmasF64);
  sigmas[n] = 0;
  return { sigmasF64, sigmas, timesteps, integerTimesteps };
}

/** Builds the schedule of `kind` with optional partial sampling (see the file header). */
export function buildSchedule(kind: ScheduleKind, opts: ScheduleOptions): Schedule {
  const { steps, shift, denoise, start, end } = validate(opts);
  const totalSteps = denoise === 1 ? steps : Math.floor(steps / denoise);
  const full = fullSchedule(kind, totalSteps, shift);
  const first = totalSteps - steps + start;
  const last = totalSteps - steps + end; // exclusive
  return {
    kind,
    shift,
    totalSteps,
    startIndex: first,
    steps: last - first,
    sigmas: full.sigmas.slice(first, last + 1),
    sigmasF64: full.sigmasF64.slice(first, last),
    timesteps: full.timesteps.slice(first, last),
    integerTimesteps: full.integerTimesteps,
  };
}

/**
 * The official multistep schedulers locate their first step by timestep value and, when the first two
 * integer timesteps are equal, start at index 1 and then fail an assertion. Rather than silently
 * diverge from the reference, refuse such schedules with a sentence the user can act on.
 */
export function assertDistinctLeadingTimesteps(schedule: Schedule, what: string): void {
  const t = schedule.timesteps;
  if (schedule.integerTimesteps && t.length >= 2 && t[0] === t[1]) {
    const partial = schedule.steps !== schedule.totalSteps ? ` (running steps ${schedule.startIndex}..)` : '';
    throw new ScheduleError(
      `${what}: ${schedule.totalSteps} steps at shift ${schedule.shift}${partial} gives two equal timesteps ` +
        `(${t[0]}, ${t[1]}); use fewer steps or a lower shift.`,
    );
  }
}
