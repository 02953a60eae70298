/**
 * The workflow embedded by the encoder comes back byte-for-byte through real ffmpeg (the bundled
 * binary, and Debian's when installed).
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVideo } from '../../../nodes/runtime/video/encoder';
import { readEmbeddedWorkflow } from '../../../nodes/runtime/video/metadata';
import type { ImageBatch } from '../../../nodes/sdk';

const tiny: ImageBatch = {
  kind: 'image',
  width: 16,
  height: 16,
  count: 2,
  data: new Uint8Array(16 * 16 * 3 * 2).fill(90),
};

const nasty =
  JSON.stringify(
    {
      text: 'a=b; c#d \\ back\\\\slash "quotes" \'single\' é 日本 🎉 \u2028',
      multi: 'line one\nline two\r\nline three',
      nested: { 'key=with;odd#chars': ['\\', '=', ';', '#'] },
    },
    null,
    2,
  ) + '\n;starts like a comment\n#also\n[STREAM]\nend\\';

const ffmpegs: [string, string | undefined][] = [['bundled ffmpeg', undefined]];
if (existsSync('/usr/bin/ffmpeg')) ffmpegs.push(['/usr/bin/ffmpeg', '/usr/bin/ffmpeg']);

const dir = await mkdtemp(join(tmpdir(), 'wan-meta-test-'));
after(() => rm(dir, { recursive: true, force: true }));

for (const [label, ffmpegPath] of ffmpegs) {
  describe(`workflow metadata round trip (${label})`, () => {
    for (const format of ['mp4', 'webm'] as const) {
      test(`${format}: newlines, = ; # \\, quotes and unicode come back exactly`, async () => {
        const out = join(dir, `${label.replace(/\W/g, '_')}.${format}`);
        await encodeVideo({
          frames: tiny,
          fps: 8,
          format,
          outPath: out,
          metadata: { workflow: nasty },
          ffmpegPath,
        });
        assert.equal(await readEmbeddedWorkflow(out, { ffmpegPath }), nasty);
      });
    }

    test('a 300 kB workflow is not truncated', async () => {
      const big = JSON.stringify({
        nodes: Array.from({ length: 3000 }, (_, i) => ({ id: `n${i}`, v: 'x'.repeat(90) })),
      });
      assert.ok(big.length > 300_000);
      const out = join(dir, `${label.replace(/\W/g, '_')}-big.mp4`);
      await encodeVideo({
        frames: tiny,
        fps: 8,
        format: 'mp4',
        outPath: out,
        metadata: { workflow: big },
        ffmpegPath,
      });
      assert.equal(await readEmbeddedWorkflow(out, { ffmpegPath }), big);
    });
  });
}

describe('readEmbeddedWorkflow without a workflow', () => {
  test('returns null for a video without the tag and for a GIF', async () => {
    const mp4 = join(dir, 'plain.mp4');
    await encodeVideo({ frames: tiny, fps: 8, format: 'mp4', outPath: mp4 });
    assert.equal(await readEmbeddedWorkflow(mp4), null);
    const gif = join(dir, 'x.gif');
    await encodeVideo({ frames: tiny, fps: 8, format: 'gif', outPath: gif, metadata: { workflow: '{}' } });
    assert.equal(await readEmbeddedWorkflow(gif), null);
  });

  test('a missing or unreadable file is a clear error naming it', async () => {
    const missing = join(dir, 'nope.mp4');
    await assert.rejects(
      readEmbeddedWorkflow(missing),
      (e: Error) => e.message.includes(missing) && /does not exist/.test(e.message),
    );
    const junk = join(dir, 'junk.mp4');
    await writeFile(junk, 'this is not a video');
    await assert.rejects(
      readEmbeddedWorkflow(junk),
      (e: Error) => e.message.includes(junk) && /could not open/.test(e.message),
    );
  });
});
