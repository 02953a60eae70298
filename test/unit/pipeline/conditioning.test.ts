import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  blendFirstFrame,
  concatChannels,
  expandMask,
  firstFrameMask,
  firstFrameVideo,
  i2vMask,
  perTokenTimesteps,
} from '../../../nodes/runtime/wan/pipeline/conditioning';
import { checkFrames, latentShape } from '../../../nodes/runtime/wan/pipeline/shapes';

const at = (d: readonly number[], idx: number[]): number => idx.reduce((o, v, i) => o * d[i] + v, 0);

describe('I2V mask (image2video.py)', () => {
  test('4 channels, latent frame 0 is 1 on every channel, the rest 0', () => {
    const m = i2vMask(9, 2, 3);
    assert.deepEqual(m.dims, [4, 3, 2, 3]);
    for (let c = 0; c < 4; c++)
      for (let f = 0; f < 3; f++)
        for (let p = 0; p < 6; p++) assert.equal(m.data[(c * 3 + f) * 6 + p], f === 0 ? 1 : 0, `c${c} f${f}`);
    assert.deepEqual(i2vMask(81, 60, 104).dims, [4, 21, 60, 104]);
  });
  test('refuses frame counts that are not 4n+1', () => {
    assert.throws(() => i2vMask(80, 2, 2), /4n\+1/);
  });
  test('[image, zeros…] video and the 20-channel y', () => {
    const img = { dims: [3, 2, 2], data: Float32Array.from({ length: 12 }, (_, i) => i + 1) };
    const v = firstFrameVideo(img, 5);
    assert.deepEqual(v.dims, [3, 5, 2, 2]);
    assert.equal(v.data[at(v.dims, [1, 0, 1, 0])], 7);
    assert.equal(v.data[at(v.dims, [1, 1, 1, 0])], 0);
    const y = concatChannels(i2vMask(5, 2, 2), {
      dims: [16, 2, 2, 2],
      data: new Float32Array(128).fill(0.5),
    });
    assert.deepEqual(y.dims, [20, 2, 2, 2]);
    assert.equal(y.data[at(y.dims, [4, 1, 0, 0])], 0.5);
    assert.throws(
      () => concatChannels(i2vMask(5, 2, 2), { dims: [16, 2, 2, 3], data: new Float32Array(192) }),
      /differ/,
    );
  });
});

describe('TI2V first frame (textimage2video.py)', () => {
  test('per-token t: frame-0 tokens get 0, the others t, in (f, h, w) order over the 2×2 patch grid', () => {
    const mask = firstFrameMask(3, 4, 6);
    const t = perTokenTimesteps(mask, [48, 3, 4, 6], [1, 2, 2], 877);
    assert.equal(t.length, 18);
    assert.deepEqual([...t], [...new Array<number>(6).fill(0), ...new Array<number>(12).fill(877)]);
    const all = perTokenTimesteps(
      { dims: [1, 3, 4, 6], data: new Float32Array(72).fill(1) },
      [48, 3, 4, 6],
      [1, 2, 2],
      999,
    );
    assert.ok(all.every((v) => v === 999));
  });
  test('write-back keeps the clean first frame exactly and the generated frames untouched', () => {
    const dims = [2, 3, 2, 2] as const;
    const latent = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i) * 3);
    const z = { dims: [2, 1, 2, 2], data: Float32Array.from({ length: 8 }, (_, i) => -i - 0.25) };
    const out = blendFirstFrame(latent, dims, z, firstFrameMask(3, 2, 2));
    for (let c = 0; c < 2; c++)
      for (let f = 0; f < 3; f++)
        for (let p = 0; p < 4; p++) {
          const i = (c * 3 + f) * 4 + p;
          assert.equal(out[i], f === 0 ? z.data[c * 4 + p] : latent[i]);
        }
    // A full-channel mask gives the same result; in-place works.
    const full = expandMask(firstFrameMask(3, 2, 2), 2);
    assert.deepEqual(full.dims, [2, 3, 2, 2]);
    const copy = latent.slice();
    assert.deepEqual(blendFirstFrame(copy, dims, z, full, copy), out);
    assert.throws(
      () => blendFirstFrame(latent, dims, { dims: [3, 1, 2, 2], data: new Float32Array(12) }, full),
      /does not fit/,
    );
  });
});

describe('sizes', () => {
  test('frames must be 4n+1, with the nearest counts in the message', () => {
    assert.throws(() => checkFrames(80), { message: 'frames must be 4n+1 (…, 77, 81, 85 …); got 80.' });
    assert.doesNotThrow(() => checkFrames(81));
    assert.doesNotThrow(() => checkFrames(1));
  });
  test('latent shapes of the official sizes', () => {
    assert.deepEqual(latentShape(16, [4, 8, 8], 832, 480, 81), [16, 21, 60, 104]);
    assert.deepEqual(latentShape(48, [4, 16, 16], 1280, 704, 121), [48, 31, 44, 80]);
  });
  test('width/height must be multiples of VAE stride × 2', () => {
    assert.throws(
      () => latentShape(16, [4, 8, 8], 840, 480, 81),
      /width must be a multiple of 16.*got 840 \(try 832 or 848\)/,
    );
    assert.throws(() => latentShape(48, [4, 16, 16], 1280, 720, 121), /height must be a multiple of 32/);
  });
});
