import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cfg, chooseExpert, guideScale } from '../../../nodes/runtime/samplers/guidance';
import { buildSchedule } from '../../../nodes/runtime/samplers/schedule';

describe('expert choice and guidance', () => {
  test('12 UniPC steps at shift 6.5 reach t = 900 exactly, which is still the high-noise expert at boundary 0.9', () => {
    const s = buildSchedule('unipc', { steps: 12, shift: 6.5 });
    const i = s.timesteps.indexOf(900);
    assert.ok(i > 0, `expected 900 among ${[...s.timesteps].join(', ')}`);
    assert.equal(chooseExpert(900, 0.9), 'high');
    assert.equal(chooseExpert(s.timesteps[i + 1], 0.9), 'low');
    assert.equal(chooseExpert(899, 0.9), 'low');
    assert.equal(chooseExpert(875, 0.875), 'high');
    assert.equal(chooseExpert(874.9999, 0.875), 'low');
  });

  test('an out-of-range boundary is refused', () => {
    assert.throws(() => chooseExpert(500, 875), /boundary must be a number from 0 to 1/);
  });

  test('the guide scale tuple is (low-noise, high-noise)', () => {
    assert.equal(guideScale([3, 4], 'high'), 4);
    assert.equal(guideScale([3, 4], 'low'), 3);
    assert.equal(guideScale(5, 'high'), 5);
  });

  test('cfg is uncond + g*(cond - uncond) in float32', () => {
    const u = Float32Array.from([0.1, -2, 3.3, 1e-3]);
    const c = Float32Array.from([0.7, 1.5, 3.3, -7]);
    const out = cfg(u, c, 3.5);
    const f = Math.fround;
    for (let i = 0; i < u.length; i++) assert.equal(out[i], f(u[i] + f(3.5 * f(c[i] - u[i]))));
    assert.ok(Math.abs(out[0] - (0.1 + 3.5 * 0.6)) < 1e-6);
    assert.deepEqual([...cfg(u, c, 0)], [...u]);
  });

  test('cfg can write in place over uncond and rejects mismatched sizes', () => {
    const u = Float32Array.from([1, 2]);
    const c = Float32Array.from([3, 6]);
    const r = cfg(u, c, 2, u);
    assert.equal(r, u);
    assert.deepEqual([...u], [5, 10]);
    assert.throws(() => cfg(u, new Float32Array(3), 1), /3 values but the unconditional one has 2/);
  });
});
