import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  imageForVideo,
  imagesToVideo,
  resizeCoverRgb,
  u8ToSigned,
  videoToImages,
} from '../../../nodes/runtime/wan/pipeline/image-prep';
import { latentPreview } from '../../../nodes/runtime/wan/pipeline/preview';

test('8-bit ↔ [-1, 1] as the official preprocessing, and back without loss', () => {
  assert.equal(u8ToSigned(0), -1);
  assert.equal(u8ToSigned(255), 1);
  assert.equal(u8ToSigned(128), Math.fround(Math.fround(Math.fround(128 / 255) - 0.5) / 0.5));
  const data = Uint8Array.from({ length: 2 * 16 * 8 * 3 }, (_, i) => (i * 37) % 256);
  const images = { kind: 'image' as const, width: 16, height: 8, count: 2, data };
  const video = imagesToVideo(images);
  assert.deepEqual(video.dims, [3, 2, 8, 16]);
  // channel-major: green of frame 1, pixel 0
  assert.equal(video.data[(1 * 2 + 1) * 128], u8ToSigned(data[128 * 3 + 1]));
  const back = videoToImages(video);
  assert.deepEqual([back.width, back.height, back.count, back.fps], [16, 8, 2, undefined]);
  assert.deepEqual(back.data, data);
  // out-of-range values are clamped
  const clamp = videoToImages({ dims: [3, 1, 1, 1], data: Float32Array.from([-3, 0, 3]) });
  assert.deepEqual([...clamp.data], [0, 128, 255]);
});

test('cover-resize + centre crop: identity at the same size, no aliasing when shrinking', () => {
  const src = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => i);
  assert.deepEqual(resizeCoverRgb(src, 5, 4, 5, 4), src);
  // a 1-pixel checkerboard shrunk 4× averages to mid grey (a bilinear resize would alias to black/white)
  const n = 64;
  const board = new Uint8Array(n * n * 3);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) board.fill((x + y) % 2 ? 255 : 0, (y * n + x) * 3, (y * n + x) * 3 + 3);
  const small = resizeCoverRgb(board, n, n, 16, 16);
  for (let i = 3 * 16 * 4; i < small.length - 3 * 16 * 4; i++)
    assert.ok(Math.abs(small[i] - 127.5) < 8, `${i}: ${small[i]}`);
  // 2:1 left red / right blue cropped to a square keeps the centre (half red, half blue)
  const wide = new Uint8Array(200 * 100 * 3);
  for (let y = 0; y < 100; y++)
    for (let x = 0; x < 200; x++) wide.set(x < 100 ? [255, 0, 0] : [0, 0, 255], (y * 200 + x) * 3);
  const sq = resizeCoverRgb(wide, 200, 100, 50, 50);
  assert.deepEqual([...sq.subarray((25 * 50 + 5) * 3, (25 * 50 + 5) * 3 + 3)], [255, 0, 0]);
  assert.deepEqual([...sq.subarray((25 * 50 + 45) * 3, (25 * 50 + 45) * 3 + 3)], [0, 0, 255]);
  const t = imageForVideo({ kind: 'image', width: 200, height: 100, count: 1, data: wide }, 32, 64);
  assert.deepEqual(t.dims, [3, 64, 32]);
});

test('latent preview: one pixel per latent position of the middle frame, full contrast', () => {
  const dims = [16, 3, 4, 6];
  const latent = Float32Array.from({ length: 16 * 3 * 24 }, (_, i) => Math.sin(i * 0.7));
  const p = latentPreview(latent, dims);
  assert.deepEqual([p.width, p.height, p.count], [6, 4, 1]);
  assert.equal(Math.max(...p.data), 255);
  assert.equal(Math.min(...p.data), 0);
  assert.notDeepEqual(latentPreview(latent, dims, { frame: 0 }).data, p.data);
  const flat = latentPreview(new Float32Array(16 * 3 * 24), dims);
  assert.ok(flat.data.every((v) => v === 0));
});
