import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { philox4x32_10, randn, randnInto } from '../../../nodes/runtime/samplers/noise';

const hex = (o: Uint32Array): string[] => [...o].map((x) => x.toString(16).padStart(8, '0'));

describe('noise', () => {
  test('Philox4x32-10 matches the Random123 known-answer vectors', () => {
    const o = new Uint32Array(4);
    philox4x32_10(0, 0, 0, 0, 0, 0, o);
    assert.deepEqual(hex(o), ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const m = 0xffffffff;
    philox4x32_10(m, m, m, m, m, m, o);
    assert.deepEqual(hex(o), ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philox4x32_10(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, o);
    assert.deepEqual(hex(o), ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  test('the first normals follow the documented Box-Muller recipe', () => {
    const o = new Uint32Array(4);
    philox4x32_10(0, 0, 0, 0, 7, 0, o);
    const u1 = (o[0] + 0.5) / 2 ** 32;
    const u2 = (o[1] + 0.5) / 2 ** 32;
    const r = Math.sqrt(-2 * Math.log(u1));
    const z = randn(7, 2);
    assert.equal(z[0], Math.fround(r * Math.cos(2 * Math.PI * u2)));
    assert.equal(z[1], Math.fround(r * Math.sin(2 * Math.PI * u2)));
  });

  test('deterministic, prefix-stable, offset-addressable; seeds differ; bigint and number seeds agree', () => {
    const a = randn(42, 1001);
    assert.deepEqual(randn(42, 1001), a);
    assert.deepEqual(randn(42, 10), a.subarray(0, 10));
    assert.deepEqual(randnInto(new Float32Array(13), 42, 987), a.subarray(987, 1000));
    assert.deepEqual(randn(42n, 50), a.subarray(0, 50));
    assert.notDeepEqual(randn(43, 50), a.subarray(0, 50));
    const big = randn(2n ** 63n + 5n, 8);
    assert.notDeepEqual(big, randn(5, 8), 'the high 32 bits of the seed matter');
  });

  test('looks standard normal', () => {
    const n = 200_000;
    const z = randn(123, n);
    let s = 0;
    let s2 = 0;
    let within1 = 0;
    for (const v of z) {
      s += v;
      s2 += v * v;
      if (Math.abs(v) < 1) within1++;
    }
    assert.ok(Math.abs(s / n) < 0.01);
    assert.ok(Math.abs(s2 / n - 1) < 0.02);
    assert.ok(Math.abs(within1 / n - 0.6827) < 0.005);
  });

  test('invalid seeds and counts are refused', () => {
    assert.throws(() => randn(-1, 4), /seed must be a whole number/);
    assert.throws(() => randn(1.5, 4), /seed must be a whole number/);
    assert.throws(() => randn(2n ** 64n, 4), /seed must be from 0 to 2\^64 - 1/);
    assert.throws(() => randn(1, -4), /count must be a non-negative whole number/);
  });
});
