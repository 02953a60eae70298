/**
 * Seeded standard-normal noise for initial latents, reproducible in any language.
 *
 * The official Wan code draws noise with torch.randn from a seeded torch.Generator; that stream is
 * neither documented nor the same on CPU and GPU, so this app uses its own, exactly specified one.
 * (Golden cases that need the official noise read it from their files.)
 *
 * Algorithm "philox4x32-10 + Box-Muller", version 1:
 *  1. The seed is an unsigned 64-bit integer; key k0 = its low 32 bits, k1 = its high 32 bits.
 *  2. Block b = 0, 1, 2, ... is Philox4x32-10 (Salmon et al. 2011, the Random123 definition: rounds
 *     with multipliers 0xD2511F53 / 0xCD9E8D57, key increments 0x9E3779B9 / 0xBB67AE85, 10 rounds)
 *     applied to the counter (b mod 2^32, floor(b / 2^32), 0, 0) with key (k0, k1), giving 32-bit
 *     words r0, r1, r2, r3. Known answer: counter 0, key 0 gives 6627e8d5 e169c58d bc57ac4c 9b00dbd8.
 *  3. Each pair (ra, rb) = (r0, r1) and (r2, r3) becomes two normals with Box-Muller in float64:
 *       u1 = (ra + 0.5) / 2^32,  u2 = (rb + 0.5) / 2^32   (both strictly inside (0, 1))
 *       rad = sqrt(-2 ln u1),    z_first = rad*cos(2*pi*u2),  z_second = rad*sin(2*pi*u2)
 *     and each is rounded to the nearest float32.
 *  4. Normal number 4b + j (j = 0..3) is the j-th of block b: z(r0,r1) cos, sin, z(r2,r3) cos, sin.
 * The stream is counter-based: `randn(seed, n)` is a prefix of `randn(seed, m)` for m > n, and any
 * range can be generated independently (`randnInto(out, seed, offset)`).
 * Determinism: integer steps are exact; ln/cos/sin are V8's fdlibm ports, identical on every platform
 * Node runs on. Another libm may differ in the last float64 bit, which changes the float32 result
 * only in rare ties.
 */

const M0_HI = 0xd251;
const M0_LO = 0x1f53;
const M1_HI = 0xcd9e;
const M1_LO = 0x8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_32 = 4294967296;
const INV_2_32 = 1 / TWO_POW_32;
const TWO_PI = 2 * Math.PI;

/** The seed as an unsigned 64-bit integer, split into (low, high) 32-bit words. */
export function seedWords(seed: bigint | number): [number, number] {
  let s: bigint;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(
        `A noise seed must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (or a bigint below 2^64), got ${String(seed)}.`,
      );
    }
    s = BigInt(seed);
  } else {
    if (seed < 0n || seed >= 1n << 64n)
      throw new RangeError(`A noise seed must be from 0 to 2^64 - 1, got ${seed}.`);
    s = seed;
  }
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

/**
 * Philox4x32-10 of one counter block; writes the 4 output words into `out` at `o`.
 * 32x32 -> 64-bit products are formed exactly from two float64 partial products.
 */
export function philox4x32_10(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array | number[],
  o = 0,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    // hi/lo of M0*x0 and M1*x2
    const p0l = M0_LO * x0;
    const hi0 = Math.floor((M0_HI * x0 + Math.floor(p0l / 65536)) / 65536) >>> 0;
    const lo0 = Math.imul(0xd2511f53, x0) >>> 0;
    const p1l = M1_LO * x2;
    const hi1 = Math.floor((M1_HI * x2 + Math.floor(p1l / 65536)) / 65536) >>> 0;
    const lo1 = Math.imul(0xcd9e8d57, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[o] = x0;
  out[o + 1] = x1;
  out[o + 2] = x2;
  out[o + 3] = x3;
}

/**
 * Fills `out` with normals number `offset`, `offset`+1, ... of the stream of `seed` (see the header).
 * `offset` may be any non-negative safe integer.
 */
export function randnInto(out: Float32Array, seed: bigint | number, offset = 0): Float32Array {
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new RangeError(`The noise offset must be a non-negative whole number, got ${String(offset)}.`);
  const [k0, k1] = seedWords(seed);
  const words = new Uint32Array(4);
  const z = new Float64Array(4);
  const n = out.length;
  let block = Math.floor(offset / 4);
  let skip = offset - block * 4;
  let i = 0;
  while (i < n) {
    philox4x32_10(block % TWO_POW_32, Math.floor(block / TWO_POW_32), 0, 0, k0, k1, words);
    for (let p = 0; p < 4; p += 2) {
      const rad = Math.sqrt(-2 * Math.log((words[p] + 0.5) * INV_2_32));
      const ang = TWO_PI * ((words[p + 1] + 0.5) * INV_2_32);
      z[p] = rad * Math.cos(ang);
      z[p + 1] = rad * Math.sin(ang);
    }
    for (let j = skip; j < 4 && i < n; j++) out[i++] = z[j];
    skip = 0;
    block++;
  }
  return out;
}

/** `count` standard normals (float32) from `seed`, the start of its stream. */
export function randn(seed: bigint | number, count: number): Float32Array {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`The noise count must be a non-negative whole number, got ${String(count)}.`);
  return randnInto(new Float32Array(count), seed, 0);
}
