import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVideo } from '../../../nodes/runtime/video/encoder';
import { bundledFfmpegPath } from '../../../nodes/runtime/video/ffmpeg-path';
import type { ImageBatch } from '../../../nodes/sdk';

function noise(w: number, h: number, n: number): ImageBatch {
  const data = new Uint8Array(w * h * 3 * n);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { kind: 'image', width: w, height: h, count: n, data };
}

const root = await mkdtemp(join(tmpdir(), 'wan-enc-test-'));
after(() => rm(root, { recursive: true, force: true }));
let k = 0;
const freshDir = () => join(root, String(k++));

describe('encodeVideo cancellation and failure', () => {
  test('aborting mid-encode kills ffmpeg and leaves no file at all', async () => {
    const dir = freshDir();
    const ac = new AbortController();
    let last = 0;
    const p = encodeVideo({
      frames: noise(832, 480, 60),
      fps: 16,
      format: 'mp4',
      outPath: join(dir, 'wan_00001.mp4'),
      signal: ac.signal,
      onProgress: ({ frames }) => {
        last = frames;
        if (frames === 4) ac.abort();
      },
    });
    await assert.rejects(p, (e: Error) => e.name === 'AbortError');
    assert.ok(last < 60, 'stopped feeding frames');
    assert.deepEqual(await readdir(dir), []);
  });

  test('an already-aborted signal rejects before anything is written', async () => {
    const dir = freshDir();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      encodeVideo({
        frames: noise(16, 16, 2),
        fps: 8,
        format: 'webm',
        outPath: join(dir, 'x.webm'),
        signal: ac.signal,
      }),
      (e: Error) => e.name === 'AbortError',
    );
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
  });

  test('an ffmpeg failure is reported with its reason and leaves no file', async () => {
    const dir = freshDir();
    await assert.rejects(
      encodeVideo({
        frames: noise(16, 16, 2),
        fps: 8,
        format: 'mp4',
        outPath: join(dir, 'x.mp4'),
        x264Preset: 'no-such-preset',
      }),
      (e: Error) => /Encoding MP4 \(H\.264\) to .*x\.mp4 failed: .*ffmpeg exited/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), []);
  });

  test('bad input is refused with a clear sentence', async () => {
    const out = join(root, 'never.mp4');
    const frames = noise(4, 4, 1);
    await assert.rejects(
      encodeVideo({ frames: { ...frames, count: 2 }, fps: 8, format: 'mp4', outPath: out }),
      /bytes, but 2 frame/,
    );
    await assert.rejects(encodeVideo({ frames, fps: 0, format: 'mp4', outPath: out }), /frame rate/);
    await assert.rejects(
      encodeVideo({ frames, fps: 8, format: 'avi' as 'mp4', outPath: out }),
      /Unknown video format "avi"/,
    );
    await assert.rejects(
      encodeVideo({ frames, fps: 8, format: 'mp4', outPath: out, quality: 70 }),
      /quality must be between 0 and 51/,
    );
  });
});

describe('encodeVideo output', () => {
  test('odd sizes: MP4 is padded by one pixel repeating the edge, WebM keeps the size', async () => {
    const dir = freshDir();
    // Left half black, right half white, so the padded column must be white.
    const w = 33;
    const h = 17;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++)
      for (let x = 17; x < w; x++) data.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const frames: ImageBatch = { kind: 'image', width: w, height: h, count: 1, data };
    const progress: number[] = [];
    const mp4 = await encodeVideo({
      frames,
      fps: 8,
      format: 'mp4',
      outPath: join(dir, 'odd.mp4'),
      onProgress: (p) => progress.push(p.frames),
    });
    assert.deepEqual([mp4.width, mp4.height, mp4.frames, mp4.fps], [34, 18, 1, 8]);
    assert.deepEqual(progress, [1]);
    const webm = await encodeVideo({ frames, fps: 8, format: 'webm', outPath: join(dir, 'odd.webm') });
    assert.deepEqual([webm.width, webm.height], [33, 17]);

    const ff = bundledFfmpegPath();
    const bin = 'path' in ff ? ff.path : 'ffmpeg';
    const raw = spawnSync(bin, ['-v', 'error', '-i', mp4.path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
      maxBuffer: 1 << 20,
    }).stdout;
    assert.equal(raw.length, 34 * 18 * 3);
    const px = (x: number, y: number) => raw[(y * 34 + x) * 3];
    assert.ok(px(33, 8) > 200, `padded column is white (${px(33, 8)})`);
    assert.ok(px(2, 17) < 50, `padded row repeats the black left edge (${px(2, 17)})`);
    assert.deepEqual((await readdir(dir)).sort(), ['odd.mp4', 'odd.webm']);
  });

  test('replaces an existing file only when the new one is complete', async () => {
    const dir = freshDir();
    const out = join(dir, 'same.gif');
    await encodeVideo({ frames: noise(8, 8, 2), fps: 8, format: 'gif', outPath: out });
    const r = await encodeVideo({ frames: noise(8, 8, 3), fps: 8, format: 'gif', outPath: out });
    assert.equal(r.frames, 3);
    assert.deepEqual(await readdir(dir), ['same.gif']);
  });
});
