import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fitWithin, frameOf, resizeBatch, resizeRgb } from '../../../nodes/runtime/image/resize';
import { readFrameIndex, testPatternFrames } from '../../../nodes/runtime/image/test-pattern';

describe('resize', () => {
  test('halving averages 2×2 blocks', () => {
    // 2×2 grey levels 0, 100 / 200, 40 → one pixel of their mean (85)
    const src = Uint8Array.from([0, 100, 200, 40].flatMap((v) => [v, v, v]));
    assert.deepEqual([...resizeRgb(src, 2, 2, 1, 1)], [85, 85, 85]);
  });

  test('upscaling interpolates between pixel centres and keeps the edges', () => {
    const src = Uint8Array.from([0, 0, 0, 200, 200, 200]); // 2×1: black, white-ish
    const out = resizeRgb(src, 2, 1, 4, 1);
    assert.deepEqual(
      [...out].filter((_, i) => i % 3 === 0),
      [0, 50, 150, 200],
    );
  });

  test('same size is a copy; bad sizes are refused', () => {
    const src = Uint8Array.from([1, 2, 3]);
    const out = resizeRgb(src, 1, 1, 1, 1);
    assert.deepEqual(out, src);
    assert.notEqual(out, src);
    assert.throws(() => resizeRgb(src, 1, 1, 0, 1), /invalid target size/);
  });

  test('fitWithin keeps aspect and never enlarges', () => {
    assert.deepEqual(fitWithin(832, 480, 256), { width: 256, height: 148 });
    assert.deepEqual(fitWithin(480, 832, 256), { width: 148, height: 256 });
    assert.deepEqual(fitWithin(100, 50, 512), { width: 100, height: 50 });
    assert.deepEqual(fitWithin(4000, 1, 100), { width: 100, height: 1 });
  });

  test('frameOf and resizeBatch work per frame', () => {
    const b = testPatternFrames({ width: 32, height: 16, frames: 3, pattern: 'checker' });
    assert.deepEqual(frameOf(b, 2).data, b.data.subarray(2 * 32 * 16 * 3));
    assert.throws(() => frameOf(b, 3), /Frame 3 does not exist; the batch has 3/);
    const r = resizeBatch(b, 16, 8);
    assert.deepEqual([r.width, r.height, r.count, r.data.length], [16, 8, 3, 16 * 8 * 3 * 3]);
  });
});

describe('test pattern', () => {
  for (const pattern of ['bars', 'gradient', 'checker'] as const) {
    test(`${pattern}: every frame differs and carries its index`, () => {
      const b = testPatternFrames({ width: 96, height: 64, frames: 9, pattern, fps: 12 });
      assert.deepEqual([b.width, b.height, b.count, b.fps, b.data.length], [96, 64, 9, 12, 96 * 64 * 3 * 9]);
      const n = 96 * 64 * 3;
      const seen = new Set<string>();
      for (let i = 0; i < 9; i++) {
        const f = b.data.subarray(i * n, (i + 1) * n);
        seen.add(Buffer.from(f).toString('base64'));
        assert.equal(readFrameIndex(f, 96, 64), i);
      }
      assert.equal(seen.size, 9);
    });
  }

  test('bars are the expected colours at the start', () => {
    const b = testPatternFrames({ width: 70, height: 40, frames: 1, pattern: 'bars' });
    const at = (x: number, y: number) => [...b.data.subarray((y * 70 + x) * 3, (y * 70 + x) * 3 + 3)];
    assert.deepEqual(at(15, 25), [191, 191, 0]); // second bar: yellow (clear of the square)
    assert.deepEqual(at(69, 39), [255, 255, 255]); // grey ramp ends white
  });

  test('refuses impossible sizes with a sentence', () => {
    assert.throws(
      () => testPatternFrames({ width: 0, height: 10, frames: 1, pattern: 'bars' }),
      /width must be a positive/,
    );
    assert.throws(
      () => testPatternFrames({ width: 4096, height: 4096, frames: 1000, pattern: 'bars' }),
      /GiB/,
    );
    assert.throws(
      () => testPatternFrames({ width: 8, height: 8, frames: 1, pattern: 'zebra' as 'bars' }),
      /unknown pattern "zebra"/,
    );
  });
});
