import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  bf16BitsToF32,
  f16BitsToF32,
  f16Table32,
  f32ToBf16Bits,
  f32ToF16Bits,
} from '../../../nodes/runtime/safetensors/dtypes';

const f32 = (x: number): number => Math.fround(x);

describe('float16 → float32', () => {
  test('normals, signed zeros, extremes', () => {
    assert.equal(f16BitsToF32(0x3c00), 1);
    assert.equal(f16BitsToF32(0xc000), -2);
    assert.equal(f16BitsToF32(0x3555), f32(0.333251953125));
    assert.equal(f16BitsToF32(0x7bff), 65504);
    assert.equal(f16BitsToF32(0x0400), 2 ** -14); // smallest normal
    assert.ok(Object.is(f16BitsToF32(0x0000), 0));
    assert.ok(Object.is(f16BitsToF32(0x8000), -0));
  });
  test('subnormals are exact', () => {
    assert.equal(f16BitsToF32(0x0001), 2 ** -24);
    assert.equal(f16BitsToF32(0x03ff), 1023 * 2 ** -24);
    assert.equal(f16BitsToF32(0x8001), -(2 ** -24));
  });
  test('inf and NaN', () => {
    assert.equal(f16BitsToF32(0x7c00), Infinity);
    assert.equal(f16BitsToF32(0xfc00), -Infinity);
    assert.ok(Number.isNaN(f16BitsToF32(0x7e00)));
    assert.ok(Number.isNaN(f16BitsToF32(0xfc01)));
  });
  test('table agrees with the scalar decoder for every bit pattern', () => {
    const t = f16Table32();
    for (let b = 0; b < 65536; b++) {
      const v = f16BitsToF32(b);
      if (Number.isNaN(v)) assert.ok(Number.isNaN(t[b]));
      else assert.ok(Object.is(t[b], v), `bits ${b.toString(16)}`);
    }
  });
});

describe('float32 → float16 (round to nearest even)', () => {
  test('round trip of every finite half value', () => {
    for (let b = 0; b < 0x7c00; b++) {
      assert.equal(f32ToF16Bits(f16BitsToF32(b)), b);
      assert.equal(f32ToF16Bits(f16BitsToF32(b | 0x8000)), b | 0x8000);
    }
  });
  test('ties go to even, overflow to inf, underflow to zero', () => {
    assert.equal(f32ToF16Bits(1 + 2 ** -11), 0x3c00); // halfway between 1 and next → even (1)
    assert.equal(f32ToF16Bits(1 + 3 * 2 ** -11), 0x3c02); // halfway, odd below → up
    assert.equal(f32ToF16Bits(65520), 0x7c00); // rounds past max half
    assert.equal(f32ToF16Bits(65519), 0x7bff);
    assert.equal(f32ToF16Bits(2 ** -25), 0x0000); // tie between 0 and min subnormal → 0
    assert.equal(f32ToF16Bits(1.5 * 2 ** -25), 0x0001);
    assert.equal(f32ToF16Bits(3 * 2 ** -25), 0x0002); // tie between 1 and 2 subnormal units → even
    assert.equal(f32ToF16Bits(-Infinity), 0xfc00);
    assert.equal(f32ToF16Bits(NaN) & 0x7c00, 0x7c00);
    assert.notEqual(f32ToF16Bits(NaN) & 0x3ff, 0);
  });
});

describe('bfloat16', () => {
  test('decode is bits << 16', () => {
    assert.equal(bf16BitsToF32(0x3f80), 1);
    assert.equal(bf16BitsToF32(0xc049), f32(-3.140625));
    assert.equal(bf16BitsToF32(0x7f80), Infinity);
    assert.ok(Number.isNaN(bf16BitsToF32(0x7fc0)));
    assert.equal(bf16BitsToF32(0x0001), 2 ** -133); // float32 subnormal, exact
  });
  test('encode rounds to nearest even and keeps NaN a NaN', () => {
    assert.equal(f32ToBf16Bits(1 + 2 ** -8), 0x3f80); // tie → even
    assert.equal(f32ToBf16Bits(1 + 3 * 2 ** -8), 0x3f82); // tie → even (up)
    assert.equal(f32ToBf16Bits(1 + 2 ** -8 + 2 ** -20), 0x3f81); // above tie → up
    assert.equal(f32ToBf16Bits(3.4028234663852886e38), 0x7f80); // max float rounds to inf
    assert.ok(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(NaN))));
    for (const v of [0, -0, 1.5, -7.25, 1e-30, 12345.678]) {
      assert.equal(
        bf16BitsToF32(f32ToBf16Bits(bf16BitsToF32(f32ToBf16Bits(v)))),
        bf16BitsToF32(f32ToBf16Bits(v)),
      );
    }
  });
});
