import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  SIGMA_MAX_F32,
  ScheduleError,
  assertDistinctLeadingTimesteps,
  buildSchedule,
  linspace,
  shiftSigma,
} from '../../../nodes/runtime/samplers/schedule';

describe('schedule', () => {
  test('sigma_max is the float32 value of 0.999', () => {
    assert.equal(SIGMA_MAX_F32, 0.9990000128746033);
  });

  test('linspace hits both end points and is evenly spaced', () => {
    const l = linspace(1, 0, 5);
    assert.deepEqual([...l], [1, 0.75, 0.5, 0.25, 0]);
    assert.deepEqual([...linspace(3, 3, 1)], [3]);
  });

  test('UniPC with one step: first timestep 999, ends at sigma 0', () => {
    const s = buildSchedule('unipc', { steps: 1, shift: 5 });
    assert.equal(s.steps, 1);
    assert.deepEqual([...s.timesteps], [999]);
    assert.equal(s.sigmas.length, 2);
    assert.equal(s.sigmas[1], 0);
    assert.equal(s.sigmas[0], Math.fround(shiftSigma(SIGMA_MAX_F32, 5)));
  });

  test('UniPC with two steps at shift 1 keeps the unshifted linspace', () => {
    const s = buildSchedule('unipc', { steps: 2, shift: 1 });
    assert.deepEqual([...s.sigmasF64], [SIGMA_MAX_F32, SIGMA_MAX_F32 / 2]);
    assert.deepEqual([...s.timesteps], [999, 499]);
    assert.deepEqual([...s.sigmas], [Math.fround(SIGMA_MAX_F32), Math.fround(SIGMA_MAX_F32 / 2), 0]);
  });

  test('DPM++ starts at sigma 1 and timestep 1000', () => {
    const s = buildSchedule('dpm++', { steps: 4, shift: 3 });
    assert.equal(s.sigmas[0], 1);
    assert.equal(s.timesteps[0], 1000);
    assert.equal(s.sigmas[4], 0);
    // shifted 0.75 -> 3*0.75/(1+2*0.75) = 0.9
    assert.equal(s.sigmasF64[1], shiftSigma(0.75, 3));
    assert.equal(s.timesteps[1], Math.trunc(shiftSigma(0.75, 3) * 1000));
  });

  test('Euler kinds give float timesteps; the diffusers default differs from the Wan recipe', () => {
    const wan = buildSchedule('euler', { steps: 8, shift: 8 });
    const dif = buildSchedule('euler-diffusers', { steps: 8, shift: 8 });
    assert.equal(wan.integerTimesteps, false);
    assert.equal(wan.timesteps[0], 1000);
    assert.equal(wan.timesteps[1], Math.fround(wan.sigmas[1] * 1000));
    assert.equal(dif.sigmas[0], 1);
    assert.notEqual(dif.sigmas[1], wan.sigmas[1]);
    // diffusers' last sigma before 0 is the training sigma_min shifted twice (a diffusers quirk).
    assert.ok(Math.abs(dif.sigmas[7] - shiftSigma(shiftSigma(0.001, 8), 8)) < 1e-6);
    assert.ok(Math.abs(wan.sigmas[7] - shiftSigma(1 / 8, 8)) < 1e-6);
  });

  test('denoise 1 is the full schedule; denoise 0.5 runs the last half of a doubled schedule', () => {
    const full = buildSchedule('unipc', { steps: 10, shift: 5 });
    assert.deepEqual(buildSchedule('unipc', { steps: 10, shift: 5, denoise: 1 }), full);
    const part = buildSchedule('unipc', { steps: 10, shift: 5, denoise: 0.5 });
    const twenty = buildSchedule('unipc', { steps: 20, shift: 5 });
    assert.equal(part.totalSteps, 20);
    assert.equal(part.steps, 10);
    assert.equal(part.startIndex, 10);
    assert.deepEqual([...part.sigmas], [...twenty.sigmas.slice(10)]);
    assert.deepEqual([...part.timesteps], [...twenty.timesteps.slice(10)]);
    assert.ok(part.sigmas[0] < full.sigmas[0]);
    assert.equal(part.sigmas[10], 0);
  });

  test('denoise uses floor(steps/denoise) total steps, as ComfyUI', () => {
    const s = buildSchedule('dpm++', { steps: 7, shift: 3, denoise: 0.3 });
    assert.equal(s.totalSteps, 23);
    assert.equal(s.steps, 7);
  });

  test('startStep/endStep select a window and keep the sigma it stops on', () => {
    const full = buildSchedule('unipc', { steps: 10, shift: 12 });
    const w = buildSchedule('unipc', { steps: 10, shift: 12, startStep: 3, endStep: 7 });
    assert.equal(w.steps, 4);
    assert.equal(w.startIndex, 3);
    assert.deepEqual([...w.sigmas], [...full.sigmas.slice(3, 8)]);
    assert.deepEqual([...w.timesteps], [...full.timesteps.slice(3, 7)]);
    assert.ok(w.sigmas[4] > 0, 'a window that stops early ends on a non-zero sigma');
    const tail = buildSchedule('unipc', { steps: 10, shift: 12, startStep: 7 });
    assert.equal(tail.sigmas[tail.steps], 0);
  });

  test('invalid steps, shift, denoise and windows are refused with clear sentences', () => {
    for (const steps of [0, -3, 2.5, Number.NaN]) {
      assert.throws(
        () => buildSchedule('unipc', { steps, shift: 5 }),
        (e: unknown) => e instanceof ScheduleError && /steps must be a whole number/.test(e.message),
      );
    }
    assert.throws(() => buildSchedule('unipc', { steps: 10, shift: 0 }), /Shift must be a positive number/);
    assert.throws(
      () => buildSchedule('unipc', { steps: 10, shift: 5, denoise: 0 }),
      /Denoise must be greater than 0/,
    );
    assert.throws(() => buildSchedule('unipc', { steps: 10, shift: 5, denoise: 1.5 }), /at most 1/);
    assert.throws(() => buildSchedule('unipc', { steps: 10, shift: 5, startStep: 10 }), /Start step/);
    assert.throws(
      () => buildSchedule('unipc', { steps: 10, shift: 5, startStep: 4, endStep: 4 }),
      /End step/,
    );
    assert.throws(() => buildSchedule('unipc', { steps: 10, shift: 5, endStep: 11 }), /End step/);
    assert.throws(() => buildSchedule('nope' as never, { steps: 10, shift: 5 }), /Unknown schedule "nope"/);
  });

  test('100 UniPC steps at shift 12 give two equal leading timesteps, which is refused', () => {
    const s = buildSchedule('unipc', { steps: 100, shift: 12 });
    assert.equal(s.timesteps[0], 999);
    assert.equal(s.timesteps[1], 999);
    assert.throws(
      () => assertDistinctLeadingTimesteps(s, 'UniPC'),
      (e: unknown) =>
        e instanceof ScheduleError &&
        e.message ===
          'UniPC: 100 steps at shift 12 gives two equal timesteps (999, 999); use fewer steps or a lower shift.',
    );
    assert.doesNotThrow(() =>
      assertDistinctLeadingTimesteps(buildSchedule('unipc', { steps: 50, shift: 12 }), 'UniPC'),
    );
  });
});
