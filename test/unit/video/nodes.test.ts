import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { coreNodes } from '../../../nodes/defs/index';
import type { NodeDef } from '../../../nodes/sdk';
import { loadImage } from '../../../nodes/defs/load-image';
import { preview, previewFrameIndex } from '../../../nodes/defs/preview';
import { frameFileName, saveFrames } from '../../../nodes/defs/save-frames';
import { testPattern } from '../../../nodes/defs/test-pattern';
import { decodeImage } from '../../../nodes/runtime/image/decode';
import { encodePngRgb } from '../../../nodes/runtime/image/png';
import { readFrameIndex } from '../../../nodes/runtime/image/test-pattern';
import { fakeContext } from './fake-context';

describe('node definitions', () => {
  test('ids are stable and unique; output nodes are flagged', () => {
    const ids = coreNodes.map((n) => n.id);
    for (const id of [
      'video.out',
      'image.load',
      'image.save_frames',
      'image.preview',
      'source.test_pattern',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    assert.equal(new Set(ids).size, ids.length);
    const byId = Object.fromEntries(coreNodes.map((n) => [n.id, n]));
    assert.equal(byId['video.out'].output, true);
    assert.equal(byId['image.preview'].output, true);
    assert.equal(byId['image.save_frames'].output, true);
    assert.equal(byId['source.test_pattern'].persist, true);
  });

  test('every widget default is valid for its own spec', () => {
    for (const def of coreNodes as NodeDef[]) {
      for (const [name, spec] of Object.entries(def.inputs)) {
        const s = spec as {
          type: string;
          default?: unknown;
          min?: number;
          max?: number;
          options?: readonly string[];
        };
        if (s.type === 'INT' || s.type === 'FLOAT') {
          const d = s.default as number;
          assert.ok((s.min ?? -Infinity) <= d && d <= (s.max ?? Infinity), `${def.id}.${name}`);
        }
        if (s.type === 'ENUM') assert.ok(s.options!.includes(s.default as string), `${def.id}.${name}`);
      }
    }
  });
});

describe('Test Pattern', () => {
  test('makes animated frames with fps set', async () => {
    const ctx = await fakeContext();
    const { images } = await testPattern.execute(
      { width: 64, height: 48, frames: 5, fps: 12, pattern: 'gradient' },
      ctx,
    );
    await ctx.dispose();
    assert.deepEqual([images.width, images.height, images.count, images.fps], [64, 48, 5, 12]);
    assert.equal(readFrameIndex(images.data.subarray(4 * 64 * 48 * 3), 64, 48), 4);
  });
});

describe('Preview', () => {
  test('writes a small PNG of the middle frame into previews/', async () => {
    const ctx = await fakeContext();
    const { images } = await testPattern.execute(
      { width: 320, height: 160, frames: 7, fps: 16, pattern: 'bars' },
      ctx,
    );
    await preview.execute({ images, frame: 'middle', max_size: 64 }, ctx);
    assert.equal(ctx.artifacts.length, 1);
    const a = ctx.artifacts[0];
    assert.equal(a.kind, 'image');
    assert.equal(a.mime, 'image/png');
    assert.equal(a.path, join(ctx.outputDir, 'previews', 'preview_00001.png'));
    const img = decodeImage(await readFile(a.path));
    assert.deepEqual([img.width, img.height], [64, 32]);
    await ctx.dispose();
  });

  test('frame choice', () => {
    assert.deepEqual(
      ['first', 'middle', 'last'].map((c) => previewFrameIndex(c, 33)),
      [0, 16, 32],
    );
    assert.equal(previewFrameIndex('middle', 1), 0);
    assert.equal(previewFrameIndex('middle', 2), 0);
  });
});

describe('Save Frames', () => {
  test('writes numbered PNGs into a new folder and reports them', async () => {
    const ctx = await fakeContext();
    const { images } = await testPattern.execute(
      { width: 48, height: 32, frames: 3, fps: 16, pattern: 'checker' },
      ctx,
    );
    await saveFrames.execute({ images, filename_prefix: 'shots/run' }, ctx);
    const folder = join(ctx.outputDir, 'shots', 'run_00001');
    const a = ctx.artifacts[0];
    assert.deepEqual([a.kind, a.path, a.mime], ['images', folder, 'image/png']);
    assert.deepEqual(await readdir(folder), ['frame_00001.png', 'frame_00002.png', 'frame_00003.png']);
    assert.deepEqual(
      a.files,
      ['frame_00001.png', 'frame_00002.png', 'frame_00003.png'].map((f) => join(folder, f)),
    );
    const third = decodeImage(await readFile(a.files[2]));
    assert.deepEqual(third.data, images.data.subarray(2 * 48 * 32 * 3));
    assert.deepEqual(await readdir(join(ctx.outputDir, 'shots')), ['run_00001'], 'no temp folder left');
    assert.equal(ctx.progressLog.at(-1)?.step, 3);
    await ctx.dispose();
  });

  test('a cancelled save leaves nothing behind', async () => {
    const ctx = await fakeContext({ abortAtStep: 2 });
    const { images } = await testPattern.execute(
      { width: 48, height: 32, frames: 4, fps: 16, pattern: 'bars' },
      ctx,
    );
    await assert.rejects((async () => saveFrames.execute({ images, filename_prefix: 'frames' }, ctx))(), {
      name: 'CancelledError',
    });
    assert.deepEqual(await readdir(ctx.outputDir), []);
    await ctx.dispose();
  });

  test('frame file names grow past 99,999 frames', () => {
    assert.equal(frameFileName(0, 10), 'frame_00001.png');
    assert.equal(frameFileName(5, 123456), 'frame_000006.png');
  });
});

describe('Load Image', () => {
  test('reads a PNG from a path; an empty selection is explained', async () => {
    const ctx = await fakeContext();
    const p = join(ctx.tempDir, 'in.png');
    await writeFile(p, encodePngRgb(Uint8Array.from([9, 8, 7, 6, 5, 4]), 2, 1));
    const { image } = await loadImage.execute({ image: p }, ctx);
    assert.deepEqual([image.count, image.width, image.height, ...image.data], [1, 2, 1, 9, 8, 7, 6, 5, 4]);
    await assert.rejects(
      Promise.resolve().then(() => loadImage.execute({ image: '' }, ctx)),
      /no image file is selected/,
    );
    await ctx.dispose();
  });
});
