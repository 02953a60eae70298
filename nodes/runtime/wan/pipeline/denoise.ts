/**
 * The Wan 2.2 denoising loop, shared by the Wan Sampler node and the golden pipeline runner.
 * Per step i (t = timesteps[i]):
 *  1. pick the model: MoE → the high-noise expert iff t >= boundary·1000 (guide scale (low, high)[1]),
 *     else the low-noise one ([0]); at a switch the idle expert may be released first;
 *  2. t for the DiT: the integer timestep, or per-token t·mask over the patch grid when the latent
 *     carries a first-frame mask (TI2V: frame-0 tokens get t = 0);
 *  3. cond and uncond on the same latent and t (one batched run), noise_pred = uncond + g·(cond − uncond);
 *  4. latent = step(noise_pred, i, latent); with a first frame, the clean first-frame latent is
 *     written back after every step (the sampler's own history is not rewritten).
 */
import type { Tensor } from '../../../sdk';
import { cfg, chooseExpert } from '../../samplers/guidance';
import { createStepper, noiseLatent } from '../../samplers/sampler';
import type { Schedule } from '../../samplers/schedule';
import type { SamplerKind } from '../../samplers/stepper';
import type { DitInput } from '../dit/inputs';
import { blendFirstFrame, perTokenTimesteps } from './conditioning';
import { numel } from './shapes';

/** What the loop needs of a DiT (a loaded `WanDit` satisfies it). */
export interface DenoiseModel {
  readonly config: { patch_size: [number, number, number]; in_dim: number; out_dim: number };
  forwardBatch(inputs: DitInput[]): Promise<Tensor[]>;
}

/** A model the loop acquires when it needs it and may release when it goes idle. */
export interface ModelSlot {
  /** Identity (pool key): two slots with one key are the same model and are never released for each other. */
  readonly key: string;
  acquire(): Promise<DenoiseModel>;
  release(): Promise<void>;
}

export type ExpertName = 'high' | 'low' | 'single';

export type Guidance =
  | { kind: 'single'; model: ModelSlot; scale: number }
  | {
      kind: 'moe';
      high: ModelSlot;
      low: ModelSlot;
      boundary: number;
      /** (low-noise, high-noise), as the official guide_scale tuple. */
      scales: readonly [number, number];
      releaseIdle: boolean;
    };

export interface StepRecord {
  index: number;
  total: number;
  /** The scheduler timestep of this step. */
  t: number;
  /** The sigma at this step (the latent's noise level before it). */
  sigma: number;
  expert: ExpertName;
  scale: number;
  /** What the DiT received as t: the timestep, or per-token values. */
  modelT: number | Float32Array;
  /** The latent entering the step. */
  sample: Float32Array;
  cond: Float32Array;
  uncond: Float32Array;
  /** The guided velocity passed to the sampler. */
  noisePred: Float32Array;
  /** The sampler's output before the first-frame write-back. */
  raw: Float32Array;
  /** The latent after the step (after the write-back). */
  latent: Float32Array;
}

export interface DenoiseInput {
  solver: SamplerKind;
  schedule: Schedule;
  /** Latent dims [C, F, H, W]. */
  dims: readonly [number, number, number, number];
  /** Gaussian noise, numel(dims) values. */
  noise: Float32Array;
  /**
   * A latent to start from when the schedule starts below full noise (denoise < 1): it is
   * noised to sigmas[0]. Ignored for full schedules (the latent starts as the noise).
   */
  init?: Float32Array;
  cond: Tensor;
  uncond: Tensor;
  /** I2V: the channels appended to the DiT input ([in_dim − C, F, H, W]). */
  y?: Tensor;
  /** TI2V: clean first-frame latent [C, 1|F, H, W] and mask [1|C, F, H, W] (1 = generate, 0 = keep). */
  firstFrame?: Tensor;
  mask?: Tensor;
  guidance: Guidance;
  /** Called before every step; throws to cancel. */
  checkAbort?: () => void;
  /** Called when a model is about to be acquired (it may load). */
  onModel?: (expert: ExpertName) => void;
  onStep?: (r: StepRecord) => void | Promise<void>;
}

export class DenoiseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DenoiseError';
  }
}

/** Whether the full-noise start applies: the schedule begins at its first step (denoise = 1). */
function startsFromNoise(s: Schedule): boolean {
  return s.startIndex === 0;
}

/** Runs the loop; returns the final latent [C, F, H, W]. */
export async function denoise(inp: DenoiseInput): Promise<Float32Array> {
  const { schedule, dims, guidance } = inp;
  const n = numel(dims);
  if (inp.noise.length !== n) {
    throw new DenoiseError(
      `The noise has ${inp.noise.length} values but the latent [${dims.join(', ')}] has ${n}.`,
    );
  }
  if ((inp.firstFrame === undefined) !== (inp.mask === undefined)) {
    throw new DenoiseError('A first-frame latent and its mask must be given together.');
  }
  const stepper = createStepper(inp.solver, schedule);

  let latent: Float32Array;
  if (!startsFromNoise(schedule) && inp.init) {
    if (inp.init.length !== n)
      throw new DenoiseError(`The start latent has ${inp.init.length} values; expected ${n}.`);
    latent = noiseLatent(inp.init, inp.noise, schedule.sigmas[0]);
  } else {
    latent = inp.noise.slice();
  }
  if (inp.firstFrame && inp.mask) latent = blendFirstFrame(latent, dims, inp.firstFrame, inp.mask, latent);

  let current: ModelSlot | undefined;
  let model: DenoiseModel | undefined;
  const total = schedule.steps;
  for (let i = 0; i < total; i++) {
    inp.checkAbort?.();
    const t = schedule.timesteps[i];
    let slot: ModelSlot;
    let expert: ExpertName;
    let scale: number;
    if (guidance.kind === 'moe') {
      const e = chooseExpert(t, guidance.boundary);
      expert = e;
      slot = e === 'high' ? guidance.high : guidance.low;
      scale = e === 'high' ? guidance.scales[1] : guidance.scales[0];
    } else {
      expert = 'single';
      slot = guidance.model;
      scale = guidance.scale;
    }
    if (slot !== current || !model) {
      if (current && current.key !== slot.key && guidance.kind === 'moe' && guidance.releaseIdle) {
        model = undefined;
        await current.release();
      }
      inp.onModel?.(expert);
      model = await slot.acquire();
      current = slot;
      inp.checkAbort?.();
    }
    const modelT: number | Float32Array = inp.mask
      ? perTokenTimesteps(inp.mask, dims, model.config.patch_size, t)
      : t;
    const x: Tensor = { dims: [...dims], data: latent };
    const base = { x, t: modelT, ...(inp.y ? { y: inp.y } : {}) };
    const [c, u] = await model.forwardBatch([
      { ...base, context: inp.cond },
      { ...base, context: inp.uncond },
    ]);
    if (c.data.length !== n) {
      throw new DenoiseError(
        `The diffusion model predicts ${c.dims[0]} channels but the latent has ${dims[0]}; the model does not fit this latent.`,
      );
    }
    const noisePred = cfg(u.data, c.data, scale);
    const raw = stepper.step(noisePred, i, latent);
    const next = inp.firstFrame && inp.mask ? blendFirstFrame(raw, dims, inp.firstFrame, inp.mask) : raw;
    await inp.onStep?.({
      index: i,
      total,
      t,
      sigma: schedule.sigmas[i],
      expert,
      scale,
      modelT,
      sample: latent,
      cond: c.data,
      uncond: u.data,
      noisePred,
      raw,
      latent: next,
    });
    latent = next;
  }
  return latent;
}
