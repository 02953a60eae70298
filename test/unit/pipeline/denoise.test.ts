/**
 * The shared denoising loop with stand-in models: expert choice and release at the boundary,
 * CFG with the (low, high) scales, per-token t and the first-frame write-back, partial schedules
 * and cancellation between steps.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../../nodes/sdk';
import type { DitInput } from '../../../nodes/runtime/wan/dit/inputs';
import { buildSchedule } from '../../../nodes/runtime/samplers/schedule';
import { chooseExpert } from '../../../nodes/runtime/samplers/guidance';
import { noiseLatent } from '../../../nodes/runtime/samplers/sampler';
import {
  denoise,
  type DenoiseModel,
  type ModelSlot,
  type StepRecord,
} from '../../../nodes/runtime/wan/pipeline/denoise';
import { firstFrameMask } from '../../../nodes/runtime/wan/pipeline/conditioning';

const dims = [4, 3, 2, 4] as const;
const N = 4 * 3 * 2 * 4;
const ctxA: Tensor = { dims: [2, 8], data: new Float32Array(16).fill(1) };
const ctxB: Tensor = { dims: [3, 8], data: new Float32Array(24).fill(-1) };

/** v = a·x + (context rows)·0.01 + t·1e-4: cond and uncond differ through the context length. */
function fakeModel(
  a: number,
  calls: { t: number | Float32Array; model: number }[],
  id: number,
): DenoiseModel {
  return {
    config: { patch_size: [1, 2, 2], in_dim: 4, out_dim: 4 },
    forwardBatch(inputs: DitInput[]): Promise<Tensor[]> {
      return Promise.resolve(
        inputs.map((inp) => {
          calls.push({ t: inp.t, model: id });
          const tt = typeof inp.t === 'number' ? inp.t : inp.t[0];
          return {
            dims: [...inp.x.dims],
            data: inp.x.data.map((x) => a * x + inp.context.dims[0] * 0.01 + tt * 1e-4),
          };
        }),
      );
    },
  };
}

function slot(key: string, model: DenoiseModel, log: string[]): ModelSlot {
  return {
    key,
    acquire: () => {
      log.push(`acquire ${key}`);
      return Promise.resolve(model);
    },
    release: () => {
      log.push(`release ${key}`);
      return Promise.resolve();
    },
  };
}

const noise = Float32Array.from({ length: N }, (_, i) => Math.cos(i * 1.3));

describe('denoise', () => {
  test('MoE: high expert while t >= boundary·1000, released once at the switch, CFG with (low, high)', async () => {
    const schedule = buildSchedule('unipc', { steps: 10, shift: 12 });
    const calls: { t: number | Float32Array; model: number }[] = [];
    const log: string[] = [];
    const rec: StepRecord[] = [];
    await denoise({
      solver: 'unipc',
      schedule,
      dims,
      noise,
      cond: ctxA,
      uncond: ctxB,
      guidance: {
        kind: 'moe',
        high: slot('H', fakeModel(0.2, calls, 1), log),
        low: slot('L', fakeModel(-0.1, calls, 2), log),
        boundary: 0.875,
        scales: [3, 4],
        releaseIdle: true,
      },
      onStep: (r) => void rec.push(r),
    });
    const want = [...schedule.timesteps].map((t) => chooseExpert(t, 0.875));
    assert.deepEqual(
      rec.map((r) => r.expert),
      want,
    );
    const firstLow = want.indexOf('low');
    assert.ok(firstLow > 0 && firstLow < 10);
    assert.ok(schedule.timesteps[firstLow - 1] >= 875 && schedule.timesteps[firstLow] < 875);
    assert.deepEqual(log, ['acquire H', 'release H', 'acquire L']);
    assert.deepEqual(
      rec.map((r) => r.scale),
      want.map((e) => (e === 'high' ? 4 : 3)),
    );
    // integer t to the model, 2 calls (cond, uncond) per step
    assert.deepEqual(
      calls.map((c) => c.t),
      [...schedule.timesteps].flatMap((t) => [t, t]),
    );
    const r0 = rec[0];
    for (let i = 0; i < N; i += 7) {
      const g = Math.fround(r0.uncond[i] + Math.fround(4 * Math.fround(r0.cond[i] - r0.uncond[i])));
      assert.equal(r0.noisePred[i], g);
    }
    assert.deepEqual(r0.sample, noise); // a full schedule starts from the noise itself
  });

  test('without release_idle both experts stay; identical experts are never released for each other', async () => {
    const schedule = buildSchedule('unipc', { steps: 6, shift: 12 });
    for (const [keys, releaseIdle, want] of [
      [['H', 'L'], false, ['acquire H', 'acquire L']],
      [['S', 'S'], true, ['acquire S', 'acquire S']],
    ] as const) {
      const log: string[] = [];
      const m = fakeModel(0.1, [], 0);
      await denoise({
        solver: 'unipc',
        schedule,
        dims,
        noise,
        cond: ctxA,
        uncond: ctxB,
        guidance: {
          kind: 'moe',
          high: slot(keys[0], m, log),
          low: slot(keys[1], m, log),
          boundary: 0.875,
          scales: [3, 4],
          releaseIdle,
        },
      });
      assert.deepEqual(log, want);
    }
  });

  test('first frame: per-token t is 0 on frame 0, the clean latent is written back after every step', async () => {
    const schedule = buildSchedule('unipc', { steps: 5, shift: 5 });
    const z: Tensor = { dims: [4, 1, 2, 4], data: Float32Array.from({ length: 32 }, (_, i) => i / 10) };
    const mask = firstFrameMask(3, 2, 4);
    const rec: StepRecord[] = [];
    const final = await denoise({
      solver: 'unipc',
      schedule,
      dims,
      noise,
      cond: ctxA,
      uncond: ctxB,
      firstFrame: z,
      mask,
      guidance: { kind: 'single', model: slot('M', fakeModel(0.3, [], 0), []), scale: 5 },
      onStep: (r) => void rec.push(r),
    });
    const frame0 = (x: Float32Array): number[] =>
      [0, 1, 2, 3].flatMap((c) => [...x.subarray(c * 24, c * 24 + 8)]);
    assert.deepEqual(frame0(rec[0].sample), [...z.data]);
    for (const r of rec) {
      const t = r.modelT as Float32Array;
      assert.equal(t.length, 6);
      assert.deepEqual(
        [...t],
        [0, 0, 1, 1, 1, 1].map((m) => m * r.t),
      );
      assert.deepEqual(frame0(r.latent), [...z.data]);
      assert.notDeepEqual(frame0(r.raw), [...z.data]);
      assert.deepEqual(r.latent.subarray(8, 24), r.raw.subarray(8, 24));
    }
    assert.deepEqual(frame0(final), [...z.data]);
  });

  test('denoise < 1 starts from the input latent noised to the first sigma', async () => {
    const schedule = buildSchedule('euler', { steps: 4, shift: 5, denoise: 0.5 });
    const init = Float32Array.from({ length: N }, (_, i) => (i % 5) - 2);
    const rec: StepRecord[] = [];
    await denoise({
      solver: 'euler',
      schedule,
      dims,
      noise,
      init,
      cond: ctxA,
      uncond: ctxB,
      guidance: { kind: 'single', model: slot('M', fakeModel(0.3, [], 0), []), scale: 2 },
      onStep: (r) => void rec.push(r),
    });
    assert.equal(rec.length, 4);
    assert.deepEqual(rec[0].sample, noiseLatent(init, noise, schedule.sigmas[0]));
  });

  test('an abort between steps stops the loop at once', async () => {
    const schedule = buildSchedule('unipc', { steps: 8, shift: 5 });
    const calls: { t: number | Float32Array; model: number }[] = [];
    let steps = 0;
    await assert.rejects(
      denoise({
        solver: 'unipc',
        schedule,
        dims,
        noise,
        cond: ctxA,
        uncond: ctxB,
        guidance: { kind: 'single', model: slot('M', fakeModel(0.3, calls, 0), []), scale: 5 },
        checkAbort: () => {
          if (steps === 3) throw new Error('cancelled');
        },
        onStep: () => void steps++,
      }),
      /cancelled/,
    );
    assert.equal(steps, 3);
    assert.equal(calls.length, 6);
  });

  test('mismatched noise or a model that does not fit the latent is a clear error', async () => {
    const schedule = buildSchedule('unipc', { steps: 2, shift: 5 });
    const base = { solver: 'unipc' as const, schedule, dims, cond: ctxA, uncond: ctxB };
    await assert.rejects(
      denoise({
        ...base,
        noise: new Float32Array(3),
        guidance: { kind: 'single', model: slot('M', fakeModel(1, [], 0), []), scale: 1 },
      }),
      /noise has 3 values/,
    );
    const wrong: DenoiseModel = {
      config: { patch_size: [1, 2, 2], in_dim: 4, out_dim: 8 },
      forwardBatch: (inputs) =>
        Promise.resolve(inputs.map(() => ({ dims: [8, 3, 2, 4], data: new Float32Array(2 * N) }))),
    };
    await assert.rejects(
      denoise({ ...base, noise, guidance: { kind: 'single', model: slot('W', wrong, []), scale: 1 } }),
      /predicts 8 channels but the latent has 4/,
    );
  });
});
