import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  ropeSplit,
  ropeTables,
  timestepSinusoid,
  uniqueTimesteps,
} from '../../../nodes/runtime/wan/dit/tables';
import { modelInput, padContext, perTokenT } from '../../../nodes/runtime/wan/dit/inputs';
import type { WanDitConfig } from '../../../nodes/runtime/wan/layout/dit-config';

void describe('DiT tables', () => {
  void test('RoPE split over (f, h, w) follows [c − 2(c//3), c//3, c//3]', () => {
    assert.deepEqual(ropeSplit(32), [6, 5, 5]);
    assert.deepEqual(ropeSplit(128), [22, 21, 21]);
    assert.deepEqual(ropeSplit(2), [1, 0, 0]);
    assert.throws(() => ropeSplit(31), /must be even/);
  });

  void test('RoPE tables: token (f, h, w) turns each axis by its own position', () => {
    const { cos, sin } = ropeTables([2, 3, 4], 12); // pairs [2, 2, 2]
    const half = 6;
    assert.equal(cos.length, 24 * half);
    // token 0 is position (0, 0, 0): no rotation.
    for (let j = 0; j < half; j++) assert.equal(cos[j], 1);
    // token (1, 2, 3) = index 1·12 + 2·4 + 3 = 23.
    const row = 23 * half;
    const freq = (j: number, n: number): number => Math.pow(10000, -j / n);
    const want = [
      1 * freq(0, 2),
      1 * freq(1, 2),
      2 * freq(0, 2),
      2 * freq(1, 2),
      3 * freq(0, 2),
      3 * freq(1, 2),
    ];
    want.forEach((a, j) => {
      assert.equal(cos[row + j], Math.fround(Math.cos(a)));
      assert.equal(sin[row + j], Math.fround(Math.sin(a)));
    });
  });

  void test('timestep sinusoid is [cos | sin] of the raw timestep', () => {
    const s = timestepSinusoid([0, 877], 8);
    assert.deepEqual(Array.from(s.subarray(0, 8)), [1, 1, 1, 1, 0, 0, 0, 0]);
    assert.equal(s[8], Math.fround(Math.cos(877)));
    assert.equal(s[8 + 4], Math.fround(Math.sin(877)));
    assert.equal(s[8 + 1], Math.fround(Math.cos(877 * Math.pow(10000, -1 / 4))));
  });

  void test('per-token timesteps are deduplicated; one value broadcasts', () => {
    assert.deepEqual(uniqueTimesteps([5, 5, 5]), { values: [5], index: BigInt64Array.of(0n) });
    const u = uniqueTimesteps([0, 0, 877, 877]);
    assert.deepEqual(u.values, [0, 877]);
    assert.deepEqual(Array.from(u.index), [0n, 0n, 1n, 1n]);
  });
});

const cfg = (over: Partial<WanDitConfig> = {}): WanDitConfig => ({
  model_type: 't2v',
  patch_size: [1, 2, 2],
  text_len: 4,
  in_dim: 2,
  dim: 8,
  ffn_dim: 16,
  freq_dim: 8,
  text_dim: 3,
  out_dim: 2,
  num_heads: 2,
  num_layers: 1,
  window_size: [-1, -1],
  qk_norm: true,
  cross_attn_norm: true,
  eps: 1e-6,
  ...over,
});

void describe('DiT inputs', () => {
  void test('context is zero-padded to text_len; too long a context is refused', () => {
    const c = cfg();
    assert.deepEqual(
      Array.from(padContext(c, { dims: [1, 3], data: Float32Array.of(1, 2, 3) })),
      [1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    assert.throws(
      () => padContext(c, { dims: [5, 3], data: new Float32Array(15) }),
      /5 tokens, more than the model's text_len 4/,
    );
    assert.throws(() => padContext(c, { dims: [2, 4], data: new Float32Array(8) }), /must be \[tokens, 3\]/);
  });

  void test('I2V concatenates y on channels and names a missing y', () => {
    const c = cfg({ model_type: 'i2v', in_dim: 3 });
    const x = { dims: [1, 1, 2, 2], data: Float32Array.of(1, 2, 3, 4) };
    const y = { dims: [2, 1, 2, 2], data: Float32Array.of(5, 6, 7, 8, 9, 10, 11, 12) };
    const r = modelInput(c, { x, y, t: 1, context: { dims: [0, 3], data: new Float32Array(0) } });
    assert.deepEqual(Array.from(r.data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(r.grid, { latent: [1, 2, 2], patches: [1, 1, 1], tokens: 1 });
    assert.throws(
      () => modelInput(c, { x, t: 1, context: { dims: [0, 3], data: new Float32Array(0) } }),
      /needs the image conditioning y/,
    );
  });

  void test('latent sizes not divisible by the patch are refused', () => {
    const x = { dims: [2, 1, 3, 2], data: new Float32Array(12) };
    assert.throws(
      () => modelInput(cfg(), { x, t: 1, context: { dims: [0, 3], data: new Float32Array(0) } }),
      /not divisible by the patch size \[1, 2, 2\]/,
    );
  });

  void test('scalar timesteps are repeated per token; wrong per-token counts are refused', () => {
    assert.deepEqual(Array.from(perTokenT(877, 3)), [877, 877, 877]);
    assert.throws(() => perTokenT(Float32Array.of(1, 2), 3), /2 values, but the latent has 3 tokens/);
  });
});
