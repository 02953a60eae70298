import { test, describe, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  bundledFfmpegPath,
  clearFfmpegPathCache,
  FfmpegNotFoundError,
  resolveFfmpeg,
} from '../../../nodes/runtime/video/ffmpeg-path';

const SYSTEM = '/usr/bin/ffmpeg';
const hasSystem = existsSync(SYSTEM);
const noPath = { PATH: '/nonexistent-dir' };

describe('resolveFfmpeg', () => {
  beforeEach(() => clearFfmpegPathCache());

  test(
    'the configured path wins over FFMPEG_PATH and the bundled binary',
    { skip: !hasSystem && 'no /usr/bin/ffmpeg' },
    async () => {
      const ff = await resolveFfmpeg({ configured: SYSTEM, env: { FFMPEG_PATH: '/elsewhere/ffmpeg' } });
      assert.equal(ff.path, SYSTEM);
      assert.equal(ff.source, 'settings');
      assert.match(ff.version, /^ffmpeg version/);
    },
  );

  test(
    'FFMPEG_PATH comes next, before the bundled binary',
    { skip: !hasSystem && 'no /usr/bin/ffmpeg' },
    async () => {
      const ff = await resolveFfmpeg({ env: { FFMPEG_PATH: SYSTEM } });
      assert.equal(ff.source, 'FFMPEG_PATH');
    },
  );

  test('a broken configured path falls through to the bundled binary, saying why', async () => {
    const b = bundledFfmpegPath();
    assert.ok('path' in b, 'the npm package provides a binary on this platform');
    const ff = await resolveFfmpeg({ configured: '/no/such/ffmpeg', env: { FFMPEG_PATH: '/bin/false' } });
    assert.equal(ff.source, '@ffmpeg-installer/ffmpeg');
    assert.equal(ff.path, b.path);
    assert.deepEqual(
      ff.skipped.map((s) => [s.source, s.reason]),
      [
        ['settings', 'not found'],
        ['FFMPEG_PATH', 'exited with code 1'],
      ],
    );
  });

  test('ffmpeg on PATH is the last resort', { skip: !hasSystem && 'no /usr/bin/ffmpeg' }, async () => {
    const ff = await resolveFfmpeg({ skipBundled: true, env: { PATH: '/usr/bin' } });
    assert.equal(ff.source, 'PATH');
  });

  test('when nothing runs, the error lists every candidate and what to do', async () => {
    await assert.rejects(
      resolveFfmpeg({
        configured: '/no/ffmpeg',
        skipBundled: true,
        env: { ...noPath, FFMPEG_PATH: '/etc/hostname' },
      }),
      (e: Error) =>
        e instanceof FfmpegNotFoundError &&
        e.message.includes('settings (/no/ffmpeg: not found)') &&
        e.message.includes('FFMPEG_PATH (/etc/hostname: ') &&
        e.message.includes('PATH (ffmpeg: not found)') &&
        /set FFMPEG_PATH/.test(e.message),
    );
  });

  test('a program that is not ffmpeg is refused', async () => {
    const ff = await resolveFfmpeg({ configured: '/bin/true', skipBundled: false, env: noPath });
    assert.equal(ff.skipped[0]?.reason, 'is not ffmpeg (unexpected -version output)');
  });
});
