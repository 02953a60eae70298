import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSampler,
  noiseLatent,
  SAMPLER_KINDS,
  type Stepper,
} from '../../../nodes/runtime/samplers/sampler';
import { createUniPC } from '../../../nodes/runtime/samplers/unipc';
import { createDpmpp } from '../../../nodes/runtime/samplers/dpmpp';
import { buildSchedule } from '../../../nodes/runtime/samplers/schedule';

const SIZE = 64;
const eps = Float32Array.from({ length: SIZE }, (_, i) => Math.sin(i * 1.7) * 1.3);
const target = Float32Array.from({ length: SIZE }, (_, i) => Math.cos(i * 0.9) * 0.8);

/** A perfect flow model for the straight path x(sigma) = sigma*eps + (1-sigma)*target: v = eps - target. */
const perfectV = Float32Array.from(eps, (e, i) => e - target[i]);

function runPerfect(s: Stepper): Float32Array[] {
  const start = s.schedule.sigmas[0];
  let x: Float32Array = Float32Array.from(eps, (e, i) => start * e + (1 - start) * target[i]);
  const out: Float32Array[] = [];
  for (let i = 0; i < s.schedule.steps; i++) {
    x = s.step(perfectV, i, x);
    out.push(x);
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('samplers', () => {
  for (const kind of SAMPLER_KINDS) {
    test(`${kind} follows the straight flow path of a perfect model and lands on the target`, () => {
      const s = createSampler(kind, { steps: 9, shift: 5 });
      const xs = runPerfect(s);
      for (let i = 0; i < xs.length; i++) {
        const sig = s.schedule.sigmas[i + 1];
        const expected = Float32Array.from(eps, (e, k) => sig * e + (1 - sig) * target[k]);
        assert.ok(
          maxDiff(xs[i], expected) < 2e-6,
          `${kind} step ${i} off the path by ${maxDiff(xs[i], expected)}`,
        );
      }
      assert.ok(maxDiff(xs[xs.length - 1], target) < 2e-6);
    });
  }

  test('very few steps at shift 1 also land on the target', () => {
    for (const kind of SAMPLER_KINDS) {
      for (const steps of [1, 2, 3]) {
        const xs = runPerfect(createSampler(kind, { steps, shift: 1 }));
        assert.ok(maxDiff(xs[steps - 1], target) < 2e-6, `${kind} ${steps} steps`);
      }
    }
  });

  test('a partial (denoise 0.4) run from a noised latent also lands on the target', () => {
    for (const kind of SAMPLER_KINDS) {
      const s = createSampler(kind, { steps: 4, shift: 3, denoise: 0.4 });
      const xs = runPerfect(s);
      assert.ok(maxDiff(xs[3], target) < 2e-6, kind);
    }
  });

  test('noiseLatent is sigma*noise + (1-sigma)*latent', () => {
    const x = noiseLatent(target, eps, 0.25);
    for (let i = 0; i < SIZE; i++) assert.ok(Math.abs(x[i] - (0.25 * eps[i] + 0.75 * target[i])) < 1e-6);
  });

  test('UniPC: warm-up, second order, corrector from step 1, first order and exact x0 at the last step', () => {
    const s = createUniPC(buildSchedule('unipc', { steps: 6, shift: 8 }));
    const v = Float32Array.from(eps, (e, i) => 0.3 * e + 0.1 * i);
    let x: Float32Array = eps;
    let before: Float32Array = eps;
    for (let i = 0; i < 6; i++) {
      before = x;
      x = s.step(v, i, x);
      assert.equal(s.correctorUsed[i], i > 0);
      assert.equal(s.lastCorrected === null, i === 0);
    }
    assert.deepEqual(s.orders, [1, 2, 2, 2, 2, 1]);
    assert.equal(s.lowerOrderNums, 2);
    // Last step: sigma_next = 0 -> the result is x0 of the step exactly (in float32).
    const sigma = s.schedule.sigmas[5];
    for (let k = 0; k < SIZE; k++)
      assert.equal(x[k], Math.fround(before[k] - Math.fround(Math.fround(sigma) * v[k])));
    for (const val of x) assert.ok(Number.isFinite(val));
  });

  test('one UniPC or DPM++ step returns x0 exactly', () => {
    for (const s of [
      createSampler('unipc', { steps: 1, shift: 3 }),
      createSampler('dpm++', { steps: 1, shift: 3 }),
    ]) {
      const x = s.step(perfectV, 0, eps);
      const sigma = Math.fround(s.schedule.sigmas[0]);
      for (let k = 0; k < SIZE; k++)
        assert.equal(x[k], Math.fround(eps[k] - Math.fround(sigma * perfectV[k])));
    }
  });

  test('DPM++: first order at step 0 and at the last step, second order between', () => {
    const s = createDpmpp(buildSchedule('dpm++', { steps: 5, shift: 5 }));
    runPerfect(s);
    assert.deepEqual(s.orders, [1, 2, 2, 2, 1]);
  });

  test('steps must be taken in order; reset starts over and reproduces the run', () => {
    const s = createSampler('unipc', { steps: 4, shift: 5 });
    const first = runPerfect(s);
    assert.throws(() => s.step(perfectV, 4, eps), /outside the schedule of 4 steps/);
    s.reset();
    assert.throws(() => s.step(perfectV, 1, eps), /step 1 was requested but 0 steps have been taken/);
    const again = runPerfect(s);
    assert.deepEqual(again, first);
  });

  test('writing the result over the input sample gives the same run', () => {
    for (const kind of SAMPLER_KINDS) {
      const a = createSampler(kind, { steps: 5, shift: 4 });
      const b = createSampler(kind, { steps: 5, shift: 4 });
      const v = Float32Array.from(eps, (e, i) => 0.3 * e + 0.05 * i);
      let x: Float32Array = eps;
      const y = Float32Array.from(eps);
      for (let i = 0; i < 5; i++) {
        x = a.step(v, i, x);
        assert.equal(b.step(v, i, y, y), y);
      }
      assert.deepEqual(y, x, kind);
    }
  });

  test('mismatched model output size is refused', () => {
    const s = createSampler('dpm++', { steps: 4, shift: 5 });
    assert.throws(
      () => s.step(new Float32Array(3), 0, eps),
      /model output has 3 values but the latent has 64/,
    );
  });

  test('UniPC and DPM++ refuse a schedule whose first two timesteps are equal', () => {
    assert.throws(
      () => createSampler('unipc', { steps: 100, shift: 12 }),
      /100 steps at shift 12 gives two equal timesteps \(999, 999\)/,
    );
    assert.doesNotThrow(() => createSampler('euler', { steps: 100, shift: 12 }));
  });

  test('an unknown sampler is refused by name', () => {
    assert.throws(() => createSampler('ddim' as never, { steps: 4, shift: 5 }), /Unknown sampler "ddim"/);
  });
});
