/**
 * Wan 2.2 mixture-of-experts choice and classifier-free guidance, as in the official pipelines:
 * the high-noise expert and guide_scale[1] run iff t >= boundary*1000 (boundary 0.875 for T2V, 0.900
 * for I2V), otherwise the low-noise expert and guide_scale[0]; the tuple is ordered (low, high).
 */
import { NUM_TRAIN_TIMESTEPS } from './schedule';

export type Expert = 'high' | 'low';

/** 'high' iff t >= boundary*1000 (the comparison is inclusive: t = 900 at boundary 0.9 is high). */
export function chooseExpert(t: number, boundary: number): Expert {
  if (!Number.isFinite(boundary) || boundary < 0 || boundary > 1) {
    throw new RangeError(`The expert boundary must be a number from 0 to 1, got ${String(boundary)}.`);
  }
  return t >= boundary * NUM_TRAIN_TIMESTEPS ? 'high' : 'low';
}

/** Guide scale for the expert: a single number applies to both; a tuple is (low-noise, high-noise). */
export function guideScale(scale: number | readonly [number, number], expert: Expert): number {
  if (typeof scale === 'number') return scale;
  return expert === 'high' ? scale[1] : scale[0];
}

/**
 * Classifier-free guidance uncond + g*(cond - uncond), evaluated in float32 like the reference
 * (each operation rounded to float32), into `out` (which may alias `uncond` or `cond`).
 */
export function cfg(uncond: Float32Array, cond: Float32Array, g: number, out?: Float32Array): Float32Array {
  if (uncond.length !== cond.length) {
    throw new RangeError(
      `CFG: the conditional prediction has ${cond.length} values but the unconditional one has ${uncond.length}.`,
    );
  }
  const result = out ?? new Float32Array(uncond.length);
  if (result.length !== uncond.length) {
    throw new RangeError(
      `CFG: the output buffer has ${result.length} values but the predictions have ${uncond.length}.`,
    );
  }
  const f = Math.fround;
  const g32 = f(g);
  for (let i = 0; i < uncond.length; i++) {
    const u = uncond[i];
    result[i] = u + f(g32 * f(cond[i] - u));
  }
  return result;
}
