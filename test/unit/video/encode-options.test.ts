import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildEncodeArgs,
  encodedSize,
  formatRate,
  vp9Crf,
} from '../../../nodes/runtime/video/encode-options';

const base = { width: 832, height: 480, fps: 16, quality: 19, withMetadata: true };
const after = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('buildEncodeArgs', () => {
  test('input is raw rgb24 at the frame size and rate', () => {
    const { input } = buildEncodeArgs({ ...base, format: 'mp4' });
    assert.equal(after(input, '-f'), 'rawvideo');
    assert.equal(after(input, '-pix_fmt'), 'rgb24');
    assert.equal(after(input, '-video_size'), '832x480');
    assert.equal(after(input, '-framerate'), '16');
  });

  test('mp4: H.264 yuv420p, veryfast by default, faststart + metadata tags, workflow mapped', () => {
    const { output, muxer } = buildEncodeArgs({ ...base, format: 'mp4' });
    assert.equal(muxer, 'mp4');
    assert.equal(after(output, '-c:v'), 'libx264');
    assert.equal(after(output, '-pix_fmt'), 'yuv420p');
    assert.equal(after(output, '-preset'), 'veryfast');
    assert.equal(after(output, '-crf'), '19');
    assert.equal(after(output, '-movflags'), '+faststart+use_metadata_tags');
    assert.equal(after(output, '-map_metadata'), '1');
    assert.equal(after(output, '-colorspace'), 'bt709');
    assert.equal(
      after(buildEncodeArgs({ ...base, format: 'mp4', x264Preset: 'medium' }).output, '-preset'),
      'medium',
    );
  });

  test('webm: VP9 yuv420p constant quality with realtime speed settings', () => {
    const { output, muxer } = buildEncodeArgs({ ...base, format: 'webm', threads: 4 });
    assert.equal(muxer, 'webm');
    assert.equal(after(output, '-c:v'), 'libvpx-vp9');
    assert.equal(after(output, '-pix_fmt'), 'yuv420p');
    assert.equal(after(output, '-b:v'), '0');
    assert.equal(after(output, '-crf'), String(vp9Crf(19)));
    assert.equal(after(output, '-row-mt'), '1');
    assert.equal(after(output, '-deadline'), 'realtime');
    assert.equal(after(output, '-threads'), '4');
  });

  test('gif: palettegen and paletteuse in one filter graph, no metadata', () => {
    const { output, muxer } = buildEncodeArgs({ ...base, format: 'gif' });
    assert.equal(muxer, 'gif');
    const graph = after(output, '-filter_complex');
    assert.match(graph, /split.*palettegen.*paletteuse/);
    assert.equal(after(output, '-map'), '[out]');
    assert.equal(after(output, '-map_metadata'), '-1');
  });

  test('without metadata the source tags are dropped', () => {
    const { output } = buildEncodeArgs({ ...base, format: 'mp4', withMetadata: false });
    assert.equal(after(output, '-map_metadata'), '-1');
  });

  test('quality is clamped to 0–51', () => {
    assert.equal(after(buildEncodeArgs({ ...base, format: 'mp4', quality: 99 }).output, '-crf'), '51');
    assert.equal(after(buildEncodeArgs({ ...base, format: 'mp4', quality: -3 }).output, '-crf'), '0');
  });
});

describe('sizes and rates', () => {
  test('only H.264 pads odd sizes to even', () => {
    assert.deepEqual(encodedSize('mp4', 833, 481), { width: 834, height: 482 });
    assert.deepEqual(encodedSize('mp4', 832, 480), { width: 832, height: 480 });
    assert.deepEqual(encodedSize('webm', 833, 481), { width: 833, height: 481 });
    assert.deepEqual(encodedSize('gif', 1, 1), { width: 1, height: 1 });
  });

  test('vp9Crf maps 0–51 into 0–63, monotonically', () => {
    let prev = -1;
    for (let q = 0; q <= 51; q++) {
      const c = vp9Crf(q);
      assert.ok(c >= 0 && c <= 63 && c >= prev);
      prev = c;
    }
  });

  test('formatRate keeps integers and fractional rates', () => {
    assert.equal(formatRate(16), '16');
    assert.equal(formatRate(23.976), '23.976');
    assert.equal(formatRate(30000 / 1001), '29.97003');
  });
});
