/**
 * Test Pattern → Video Out through the node definitions' `execute`, checked with ffprobe:
 * codec, pixel format, size, frame count, frame rate, embedded workflow and frame order.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { testPattern } from '../../../nodes/defs/test-pattern';
import { videoOut } from '../../../nodes/defs/video-out';
import { readFrameIndex } from '../../../nodes/runtime/image/test-pattern';
import { bundledFfmpegPath } from '../../../nodes/runtime/video/ffmpeg-path';
import { readEmbeddedWorkflow } from '../../../nodes/runtime/video/metadata';
import type { ImageBatch } from '../../../nodes/sdk';
import { fakeContext, type FakeContext } from '../../unit/video/fake-context';

const FFPROBE = '/usr/bin/ffprobe';
const skip = existsSync(FFPROBE) ? false : `${FFPROBE} is not installed (apt install ffmpeg)`;

interface Probe {
  streams: {
    codec_name: string;
    pix_fmt: string;
    width: number;
    height: number;
    r_frame_rate: string;
    avg_frame_rate: string;
    nb_read_frames: string;
  }[];
  format: { format_name: string; tags?: Record<string, string> };
}

async function ffprobe(path: string): Promise<Probe> {
  const args = ['-v', 'error', '-count_frames', '-show_streams', '-show_format', '-of', 'json', path];
  const { stdout } = await promisify(execFile)(FFPROBE, args, { maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as Probe;
}

const rate = (r: string) => {
  const [n, d] = r.split('/').map(Number);
  return n / d;
};

const workflow = JSON.stringify({
  schemaVersion: 1,
  nodes: { pattern: { type: 'source.test_pattern', values: { note: 'a=b; c#d \\ "q" é 🎉\nline' } } },
  edges: [],
});

describe('Test Pattern → Video Out', { skip }, () => {
  let ctx: FakeContext;
  let images: ImageBatch;
  before(async () => {
    ctx = await fakeContext({ workflowJson: workflow });
    ({ images } = await testPattern.execute(
      { width: 832, height: 480, frames: 17, fps: 16, pattern: 'bars' },
      ctx,
    ));
  });
  after(() => ctx.dispose());

  const expected = [
    {
      format: 'mp4',
      codec: 'h264',
      pix: 'yuv420p',
      name: 'wan_00001.mp4',
      mime: 'video/mp4',
      container: /mp4/,
    },
    {
      format: 'webm',
      codec: 'vp9',
      pix: 'yuv420p',
      name: 'wan_00002.webm',
      mime: 'video/webm',
      container: /webm/,
    },
    { format: 'gif', codec: 'gif', pix: '', name: 'wan_00003.gif', mime: 'image/gif', container: /gif/ },
  ] as const;

  for (const x of expected) {
    test(`${x.format}: ${x.codec}, 832×480, 17 frames at 16 fps`, async () => {
      const { video } = await videoOut.execute(
        { images, fps: 16, format: x.format, filename_prefix: 'wan', quality: 19 },
        ctx,
      );
      const path = join(ctx.outputDir, x.name);
      assert.deepEqual(video, {
        kind: 'video',
        path,
        format: x.format,
        width: 832,
        height: 480,
        frames: 17,
        fps: 16,
      });
      assert.deepEqual(ctx.artifacts.at(-1), { kind: 'video', path, mime: x.mime });
      assert.equal(ctx.progressLog.at(-1)?.step, 17);

      const probe = await ffprobe(path);
      assert.match(probe.format.format_name, x.container);
      assert.equal(probe.streams.length, 1);
      const s = probe.streams[0];
      assert.equal(s.codec_name, x.codec);
      if (x.pix) assert.equal(s.pix_fmt, x.pix);
      assert.deepEqual([s.width, s.height], [832, 480]);
      assert.equal(Number(s.nb_read_frames), 17);
      if (x.format === 'gif') {
        // GIF delays are whole 1/100 s: 16 fps is stored as 6–7 cs per frame.
        assert.ok(Math.abs(rate(s.avg_frame_rate) - 16) < 1, s.avg_frame_rate);
      } else {
        assert.equal(rate(s.r_frame_rate), 16);
        assert.equal(rate(s.avg_frame_rate), 16);
        assert.equal(await readEmbeddedWorkflow(path), workflow);
      }
    });
  }

  test('the MP4 holds the frames in order (the pattern’s frame counter reads 0…16)', () => {
    const ff = bundledFfmpegPath();
    const bin = 'path' in ff ? ff.path : '/usr/bin/ffmpeg';
    const path = join(ctx.outputDir, 'wan_00001.mp4');
    const r = spawnSync(bin, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
      maxBuffer: 64 << 20,
    });
    const n = 832 * 480 * 3;
    assert.equal(r.stdout.length, 17 * n);
    const seen = Array.from({ length: 17 }, (_, i) =>
      readFrameIndex(r.stdout.subarray(i * n, (i + 1) * n), 832, 480),
    );
    assert.deepEqual(
      seen,
      Array.from({ length: 17 }, (_, i) => i),
    );
  });

  test('cancelling during the encode throws the engine’s cancellation and writes nothing', async () => {
    const c = await fakeContext({ workflowJson: workflow, abortAtStep: 3 });
    try {
      await assert.rejects(
        (async () =>
          videoOut.execute({ images, fps: 16, format: 'webm', filename_prefix: 'wan', quality: 19 }, c))(),
        { name: 'CancelledError' },
      );
      assert.deepEqual(await readdir(c.outputDir), []);
      assert.equal(c.artifacts.length, 0);
    } finally {
      await c.dispose();
    }
  });
});
