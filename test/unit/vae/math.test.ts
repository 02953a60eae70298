import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  clampInPlace,
  decodeChunkFrames,
  denormalizeLatent,
  encodeChunks,
  latentFramesFor,
  normalizeLatent,
  patchify,
  unpatchify,
  usedEncodeFrames,
  videoFramesFor,
} from '../../../nodes/runtime/wan/vae';

describe('patchify (Wan 2.2: channel = c*4 + r*2 + q, column offset before row offset)', () => {
  test('a 2×2 block of one channel lands on channels in (column, row) order', () => {
    // [1, 1, 2, 2]: row 0 = a b, row 1 = c d  (q = row offset, r = column offset)
    const { data, dims } = patchify(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2], 2);
    assert.deepEqual(dims, [4, 1, 1, 1]);
    // channel r*2 + q: (q0,r0)=a, (q1,r0)=c, (q0,r1)=b, (q1,r1)=d
    assert.deepEqual(Array.from(data), [1, 3, 2, 4]);
  });

  test('every element of a non-square multi-frame RGB clip goes where the rule says', () => {
    const [C, F, H, W] = [3, 2, 4, 6];
    const x = Float32Array.from({ length: C * F * H * W }, (_, i) => i);
    const { data, dims } = patchify(x, [C, F, H, W], 2);
    assert.deepEqual(dims, [12, 2, 2, 3]);
    for (let c = 0; c < C; c++)
      for (let t = 0; t < F; t++)
        for (let h = 0; h < 2; h++)
          for (let w = 0; w < 3; w++)
            for (let q = 0; q < 2; q++)
              for (let r = 0; r < 2; r++) {
                const src = ((c * F + t) * H + (h * 2 + q)) * W + (w * 2 + r);
                const dst = (((c * 4 + r * 2 + q) * F + t) * 2 + h) * 3 + w;
                assert.equal(data[dst], x[src]);
              }
    assert.deepEqual(unpatchify(data, dims, 2).data, x);
  });

  test('unpatchify writes a chunk at its frame offset of a longer video', () => {
    const chunk = patchify(
      Float32Array.from({ length: 3 * 2 * 4 * 4 }, (_, i) => i + 1),
      [3, 2, 4, 4],
      2,
    );
    const out = new Float32Array(3 * 5 * 4 * 4);
    unpatchify(chunk.data, chunk.dims, 2, { data: out, frames: 5, frameOffset: 3 });
    for (let c = 0; c < 3; c++) {
      assert.ok(
        out.subarray(c * 5 * 16, (c * 5 + 3) * 16).every((v) => v === 0),
        'frames before the offset untouched',
      );
      assert.deepEqual(
        Array.from(out.subarray((c * 5 + 3) * 16, (c * 5 + 5) * 16)),
        Array.from({ length: 32 }, (_, i) => c * 32 + i + 1),
      );
    }
    assert.throws(
      () => unpatchify(chunk.data, chunk.dims, 2, { data: out, frames: 5, frameOffset: 4 }),
      /does not hold frames 4\.\.5/,
    );
  });

  test('odd sizes are refused with the size in the message', () => {
    assert.throws(
      () => patchify(new Float32Array(3 * 5 * 4), [3, 1, 5, 4], 2),
      /height 5 and width 4 must be multiples of 2/,
    );
  });
});

describe('chunk plan (official WanVAE_.encode / .decode)', () => {
  test('encode feeds 1, 4, 4, ... frames and drops frames past the last full chunk', () => {
    assert.deepEqual(encodeChunks(1), [{ start: 0, count: 1 }]);
    assert.deepEqual(encodeChunks(9), [
      { start: 0, count: 1 },
      { start: 1, count: 4 },
      { start: 5, count: 4 },
    ]);
    assert.equal(encodeChunks(81).length, 21);
    assert.equal(usedEncodeFrames(12), 9);
    assert.equal(latentFramesFor(81, 4), 21);
    assert.equal(latentFramesFor(9, 2), 5, 'one temporal downsample: 2 latent frames per 4-frame chunk');
    assert.throws(() => encodeChunks(0), /at least one frame/);
  });

  test('decode yields 1 frame for the first latent frame and the time stride for each later one', () => {
    assert.equal(videoFramesFor(21, 4), 81);
    assert.equal(videoFramesFor(1, 4), 1);
    assert.deepEqual(decodeChunkFrames(0, 4), { start: 0, count: 1 });
    assert.deepEqual(decodeChunkFrames(3, 4), { start: 9, count: 4 });
    assert.throws(() => videoFramesFor(0, 4), /at least one latent frame/);
  });
});

describe('latent normalisation (wrapper scale = [mean, 1/std], float32)', () => {
  const mean = [0.5, -1.25];
  const std = [2.8184, 0.4765];
  test('encode computes (mu - mean) * (1/std) per channel, decode z / (1/std) + mean', () => {
    const mu = Float32Array.from([1, 2, 3, -1, 0, 1]); // [2 channels, 3]
    const n = normalizeLatent(mu, mean, std);
    const f = Math.fround;
    assert.equal(n[1], f(f(2 - 0.5) * f(1 / f(2.8184))));
    assert.equal(n[3], f(f(-1 - -1.25) * f(1 / f(0.4765))));
    const back = denormalizeLatent(n, mean, std);
    for (let i = 0; i < mu.length; i++) assert.ok(Math.abs(back[i] - mu[i]) < 1e-6);
  });

  test('a tensor that does not split into the channels is refused', () => {
    assert.throws(
      () => normalizeLatent(new Float32Array(5), mean, std),
      /5 values cannot be split into 2 latent channels/,
    );
  });

  test('clamp limits to [-1, 1] and leaves NaN alone', () => {
    assert.deepEqual(Array.from(clampInPlace(Float32Array.from([-3, -1, 0.25, 1, 7, NaN]))), [
      -1,
      -1,
      0.25,
      1,
      1,
      NaN,
    ]);
  });
});
