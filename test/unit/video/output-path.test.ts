import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  isInside,
  MAX_SEGMENT_CHARS,
  nextCounter,
  nextOutputPath,
  sanitizePrefix,
} from '../../../nodes/runtime/video/output-path';

describe('sanitizePrefix', () => {
  test('keeps ordinary names and subfolders', () => {
    assert.equal(sanitizePrefix('wan'), 'wan');
    assert.equal(sanitizePrefix('clips/wan'), 'clips/wan');
    assert.equal(sanitizePrefix('clips\\day 1\\wan'), 'clips/day 1/wan');
    assert.equal(sanitizePrefix('vidéo 🎉'), 'vidéo 🎉');
  });

  test('never climbs out of the folder', () => {
    assert.equal(sanitizePrefix('../../x'), 'x');
    assert.equal(sanitizePrefix('a/../../../b'), 'a/b');
    assert.equal(sanitizePrefix('..'), 'wan');
    assert.equal(sanitizePrefix('./.././'), 'wan');
  });

  test('absolute paths and drive letters become relative names', () => {
    assert.equal(sanitizePrefix('/etc/passwd'), 'etc/passwd');
    assert.equal(sanitizePrefix('C:\\Windows\\evil'), 'C_/Windows/evil');
    assert.equal(sanitizePrefix('\\\\server\\share\\x'), 'server/share/x');
  });

  test('NUL, control and Windows-forbidden characters become _', () => {
    assert.equal(sanitizePrefix('a\u0000b'), 'a_b');
    assert.equal(sanitizePrefix('a\nb\tc'), 'a_b_c');
    assert.equal(sanitizePrefix('what?<is>"this"|*:'), 'what__is__this____');
  });

  test('reserved Windows device names get a leading _', () => {
    assert.equal(sanitizePrefix('CON'), '_CON');
    assert.equal(sanitizePrefix('nul'), '_nul');
    assert.equal(sanitizePrefix('com1.txt'), '_com1.txt');
    assert.equal(sanitizePrefix('LPT9/aux'), '_LPT9/_aux');
    assert.equal(sanitizePrefix('console'), 'console');
  });

  test('hidden names, trailing dots and spaces are cleaned', () => {
    assert.equal(sanitizePrefix('.hidden'), 'hidden');
    assert.equal(sanitizePrefix('name. . '), 'name');
    assert.equal(sanitizePrefix('   '), 'wan');
    assert.equal(sanitizePrefix('', 'frames'), 'frames');
  });

  test('overly long names are cut at a whole character', () => {
    const long = '🎉'.repeat(300);
    const s = sanitizePrefix(long);
    assert.equal(Array.from(s).length, MAX_SEGMENT_CHARS);
    assert.ok(!s.includes('\uFFFD'));
    assert.equal(sanitizePrefix('x'.repeat(5000)).length, MAX_SEGMENT_CHARS);
  });

  test('folder depth is limited', () => {
    assert.equal(sanitizePrefix('a/b/c/d/e/name'), 'a/b/c/name');
  });
});

describe('counters', () => {
  test('continue after the highest existing number, any extension, case-insensitive', () => {
    assert.equal(nextCounter([], 'wan'), 1);
    assert.equal(nextCounter(['wan_00001.mp4', 'wan_00007.gif', 'WAN_00003.webm'], 'wan'), 8);
    assert.equal(nextCounter(['wan_00002', 'wanx_00009.mp4', 'wan_12.mp4', 'other_00050.mp4'], 'wan'), 3);
    assert.equal(nextCounter(['a.b_00004.mp4'], 'a.b'), 5);
    assert.equal(nextCounter(['axb_00004.mp4'], 'a.b'), 1, 'regex characters in the name are literal');
  });

  test('isInside', () => {
    assert.ok(isInside('/out', '/out/a/b'));
    assert.ok(isInside('/out', '/out'));
    assert.ok(!isInside('/out', '/out/../etc'));
    assert.ok(!isInside('/out', '/outside'));
  });
});

describe('nextOutputPath', () => {
  test('picks wan_00001 then the next free number, inside the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wan-out-'));
    try {
      const a = await nextOutputPath(dir, 'wan', 'mp4');
      assert.equal(a.path, join(dir, 'wan_00001.mp4'));
      await writeFile(a.path, 'x');
      await writeFile(join(dir, 'wan_00004.gif'), 'x');
      const b = await nextOutputPath(dir, 'wan', 'mp4');
      assert.equal(b.fileName, 'wan_00005.mp4');

      const c = await nextOutputPath(dir, '../../escape', '.webm');
      assert.equal(c.path, join(dir, 'escape_00001.webm'));
      const d = await nextOutputPath(dir, '/abs/name', 'mp4');
      assert.equal(d.path, join(dir, 'abs', 'name_00001.mp4'));
      assert.deepEqual((await readdir(join(dir, 'abs'))).length, 0, 'only the folder is created');

      await mkdir(join(dir, 'frames_00002'));
      const e = await nextOutputPath(dir, '', '', 'frames');
      assert.equal(e.path, join(dir, 'frames_00003'));
      for (const p of [a, b, c, d, e]) assert.ok(isInside(dir, p.path), p.path);
      assert.ok(resolve(d.dir).startsWith(resolve(dir)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
