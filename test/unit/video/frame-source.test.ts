import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkImageBatch, frameStream, padFrameReplicate } from '../../../nodes/runtime/video/frame-source';
import type { ImageBatch } from '../../../nodes/sdk';

function batch(w: number, h: number, n: number): ImageBatch {
  const data = new Uint8Array(w * h * 3 * n);
  for (let i = 0; i < data.length; i++) data[i] = i % 251;
  return { kind: 'image', width: w, height: h, count: n, data };
}

describe('padFrameReplicate', () => {
  test('repeats the last column and row', () => {
    // 3×1 frame: pixels (1,2,3) (4,5,6) (7,8,9) → 4×2
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = padFrameReplicate(src, 3, 1, 4, 2);
    const row = [1, 2, 3, 4, 5, 6, 7, 8, 9, 7, 8, 9];
    assert.deepEqual([...out], [...row, ...row]);
  });
});

describe('frameStream', () => {
  test('delivers every frame in order', async () => {
    const b = batch(5, 3, 4);
    const chunks: Buffer[] = [];
    await pipeline(
      frameStream(b),
      new Writable({
        write(c: Buffer, _e, cb) {
          chunks.push(Buffer.from(c));
          cb();
        },
      }),
    );
    assert.equal(chunks.length, 4);
    assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), b.data);
  });

  test('pads odd frames when asked', async () => {
    const b = batch(3, 3, 2);
    let bytes = 0;
    await pipeline(
      frameStream(b, { padTo: { width: 4, height: 4 } }),
      new Writable({
        write(c: Buffer, _e, cb) {
          bytes += c.length;
          cb();
        },
      }),
    );
    assert.equal(bytes, 2 * 4 * 4 * 3);
  });

  test('respects back-pressure: frames are produced only as they are consumed', async () => {
    const b = batch(64, 64, 50);
    const produced: number[] = [];
    const s = frameStream(b, { onFrame: (i) => produced.push(i) });
    // Nobody reads: only the small read-ahead buffer fills.
    s.pause();
    s.read(0);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(produced.length <= 3, `produced ${produced.length} frames without a reader`);
    s.destroy();
  });
});

describe('checkImageBatch', () => {
  test('names what is wrong', () => {
    assert.throws(
      () => checkImageBatch({ ...batch(2, 2, 1), data: new Uint8Array(5) }),
      /5 bytes.*2×2 RGB need 12/,
    );
    assert.throws(() => checkImageBatch({ ...batch(2, 2, 1), width: 0 }), /invalid width/);
  });
});
