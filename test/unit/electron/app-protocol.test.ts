import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppProtocolHandler } from '../../../electron/app-protocol';
import { ELECTRON_CSP } from '../../../electron/csp';
import { fileUrlFor } from '../../../electron/app-url';

let dir: string;
let handler: (r: Request) => Promise<Response>;
const get = (url: string, headers: Record<string, string> = {}) => handler(new Request(url, { headers }));

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wan-protocol-'));
  await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
  await mkdir(join(dir, 'output'));
  await mkdir(join(dir, 'input'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Wan Studio</title>');
  await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await writeFile(join(dir, 'output', 'clip.mp4'), Buffer.from('0123456789'));
  await writeFile(join(dir, 'input', 'cat.png'), Buffer.from([1, 2, 3]));
  await symlink(join(dir, 'secret.txt'), join(dir, 'output', 'escape.mp4'));
  handler = createAppProtocolHandler({
    rendererDir: join(dir, 'renderer'),
    fileRoots: () => [join(dir, 'output'), join(dir, 'input')],
  });
});
after(() => rm(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  test('serves the editor with the CSP header', async () => {
    for (const url of ['app://studio/', 'app://studio/index.html']) {
      const r = await get(url);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-security-policy'), ELECTRON_CSP);
      assert.match(r.headers.get('content-type')!, /text\/html/);
      assert.match(await r.text(), /Wan Studio/);
    }
    const js = await get('app://studio/assets/app.js');
    assert.match(js.headers.get('content-type')!, /javascript/);
  });

  test('never leaves the renderer folder', async () => {
    for (const url of [
      'app://studio/../secret.txt',
      'app://studio/%2e%2e/secret.txt',
      'app://studio/assets/..%2f..%2fsecret.txt',
    ]) {
      const r = await get(url);
      assert.equal(r.status, 404, url);
      assert.doesNotMatch(await r.text(), /^secret/);
    }
    assert.equal((await get('app://elsewhere/index.html')).status, 404);
    assert.equal(
      (await handler(new Request('app://studio/index.html', { method: 'POST', body: 'x' }))).status,
      405,
    );
  });

  test('serves output and input files through fileUrl(), with byte ranges', async () => {
    const whole = await get(fileUrlFor(join(dir, 'output', 'clip.mp4')));
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.equal(await whole.text(), '0123456789');
    const part = await get(fileUrlFor(join(dir, 'output', 'clip.mp4')), { Range: 'bytes=2-5' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 2-5/10');
    assert.equal(await part.text(), '2345');
    const tail = await get(fileUrlFor(join(dir, 'output', 'clip.mp4')), { Range: 'bytes=-3' });
    assert.equal(await tail.text(), '789');
    assert.equal(
      (await get(fileUrlFor(join(dir, 'output', 'clip.mp4')), { Range: 'bytes=20-' })).status,
      416,
    );
    const png = await get(fileUrlFor(join(dir, 'input', 'cat.png')));
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
  });

  test('files outside the output and input folders are not served', async () => {
    for (const path of [
      join(dir, 'secret.txt'),
      join(dir, 'output', '..', 'secret.txt'),
      join(dir, 'output', 'escape.mp4'), // symlink pointing outside
      join(dir, 'output'),
      'output/clip.mp4',
      '/etc/passwd',
    ]) {
      const r = await get(fileUrlFor(path));
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(await r.text(), /^secret/);
    }
  });

  test('says how to build the editor when it is missing', async () => {
    const h = createAppProtocolHandler({ rendererDir: join(dir, 'nope'), fileRoots: () => [] });
    const r = await h(new Request('app://studio/'));
    assert.equal(r.status, 500);
    assert.match(await r.text(), /npm run build:renderer/);
  });
});
