import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '../../../electron/app';
import type { EngineInit, EngineToMain, MainToEngine } from '../../../electron/engine-protocol';
import { FakeWebContents, fakeElectron, type FakePort, type FakeUtilityProcess } from './fake-electron';

const APP = 'app://studio/index.html';
const envOf = (p: FakeUtilityProcess | undefined) =>
  (p?.options?.env ?? {}) as Record<string, string | undefined>;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plays the engine on the utility process's port: answers settings.get, echoes other requests. */
function playEngine(proc: FakeUtilityProcess, settings = { outputDir: '/o', inputDir: '/i' }) {
  const port: FakePort = proc.enginePort;
  const seen: MainToEngine[] = [];
  port.on('message', (e: { data: MainToEngine }) => {
    seen.push(e.data);
    const result = e.data.name === 'settings.get' ? settings : { echo: e.data.name };
    port.postMessage({ kind: 'response', id: e.data.id, ok: true, result } satisfies EngineToMain);
  });
  port.postMessage({ kind: 'ready', pid: 42 } satisfies EngineToMain);
  return { port, seen };
}

function start(opts: { isPackaged?: boolean; resourcesDir?: string; env?: Record<string, string> } = {}) {
  const f = fakeElectron({
    isPackaged: opts.isPackaged ?? false,
    dirs: { userData: '/data/Wan Studio', logs: join(tmpdir(), 'wan-logs-test') },
  });
  const running = startApp(f.electron, {
    paths: {
      preload: '/dist/electron/preload.cjs',
      engineEntry: '/dist/electron/engine-process.js',
      rendererDir: '/dist/renderer',
      ...(opts.resourcesDir ? { resourcesDir: opts.resourcesDir } : {}),
    },
    env: opts.env ?? { PATH: '/usr/bin' },
    platform: 'linux',
    cwd: '/repo',
    versions: { electron: '41.0.0' },
    restartDelayMs: 1,
    echoLog: false,
  });
  return { f, running };
}

describe('desktop app wiring', () => {
  test('registers the privileged scheme before ready and everything else after', async () => {
    const { f, running } = start();
    assert.deepEqual(f.calls, ['registerSchemesAsPrivileged']);
    assert.equal(f.privileged[0].scheme, 'app');
    assert.equal(f.privileged[0].privileges?.standard, true);
    assert.equal(f.privileged[0].privileges?.secure, true);
    assert.equal(f.windows.length, 0);
    assert.equal(f.forked.length, 0);

    f.ready();
    await running.ready;
    assert.ok(f.calls.includes('protocol.handle:app'));
    assert.ok(f.calls.includes('setApplicationMenu'));
    assert.ok(f.headersListener, 'CSP listener installed');
    assert.ok(f.permissionRequest, 'permission handler installed');
    assert.equal(f.handlers.size, 16 + 3);
    assert.equal(f.windows.length, 1);
    assert.equal(f.windows[0].options.webPreferences?.sandbox, true);
    assert.deepEqual(f.windows[0].loaded, [APP]);
    assert.equal(f.forked.length, 1);
    assert.equal(f.forked[0].modulePath, '/dist/electron/engine-process.js');
    const init = f.forked[0].initMessages[0];
    assert.deepEqual(init.message, {
      kind: 'init',
      dataDir: '/data/Wan Studio',
      baseDir: '/repo',
    } satisfies EngineInit);
    assert.equal(init.transfer.length, 1, 'a MessagePort travels with the init message');
  });

  test('every web contents created gets the navigation guard', async () => {
    const { f, running } = start();
    f.ready();
    await running.ready;
    const wc = new FakeWebContents();
    f.appEvents.emit('web-contents-created', {}, wc);
    assert.equal(wc.navigate('will-navigate', 'https://example.com/'), false);
    wc.openHandler!({ url: 'https://example.com/help' });
    wc.openHandler!({ url: 'file:///etc/passwd' });
    await wait(5);
    assert.deepEqual(f.opened, ['https://example.com/help']);
  });

  test('requests from the window reach the engine over the port; events and menu commands reach the window', async () => {
    const { f, running } = start();
    f.ready();
    await running.ready;
    const engine = playEngine(f.forked[0]);
    assert.deepEqual(await f.invoke('api:queue.list', APP, {}), { ok: true, result: { echo: 'queue.list' } });
    assert.equal(engine.seen[0].name, 'queue.list');

    engine.port.postMessage({ kind: 'event', event: { channel: 'queue', queue: [] } } satisfies EngineToMain);
    await wait(5);
    const wc = f.windows[0].webContents;
    assert.deepEqual(wc.sent.at(-1), { channel: 'host:event', args: [{ channel: 'queue', queue: [] }] });

    const file = (f.menuTemplate![0].submenu as Array<{ label?: string; click?: () => void }>).find(
      (i) => i.label === 'Save',
    )!;
    file.click!();
    assert.deepEqual(wc.sent.at(-1), { channel: 'menu:command', args: ['file.save'] });
  });

  test('when the engine dies it is restarted; the window stays as it was and the request in flight fails clearly', async () => {
    const { f, running } = start();
    f.ready();
    await running.ready;
    const first = f.forked[0];
    const pending = f.invoke('api:workflow.validate', APP, { doc: {} }) as Promise<{
      ok: boolean;
      error?: { message: string };
    }>;
    await wait(2);
    first.crash(134);
    const reply = await pending;
    assert.equal(reply.ok, false);
    assert.match(reply.error!.message, /engine restarted/);
    await wait(10);
    assert.equal(f.forked.length, 2, 'a new engine process');
    assert.equal(f.windows.length, 1, 'no new window');
    assert.deepEqual(f.windows[0].loaded, [APP], 'the page was not reloaded: tabs and graph stay');
    playEngine(f.forked[1]);
    assert.deepEqual(await f.invoke('api:queue.list', APP, {}), { ok: true, result: { echo: 'queue.list' } });
  });

  test('quitting stops the engine without restarting it', async () => {
    const { f, running } = start();
    f.ready();
    await running.ready;
    f.appEvents.emit('before-quit');
    await wait(10);
    assert.equal(f.forked[0].killed, true);
    assert.equal(f.forked.length, 1);
  });

  test('a packaged app hands the engine the ffmpeg shipped in resources (unless FFMPEG_PATH is set)', async () => {
    const resources = await mkdtemp(join(tmpdir(), 'wan-resources-'));
    try {
      await mkdir(join(resources, 'ffmpeg'));
      await writeFile(join(resources, 'ffmpeg', 'ffmpeg'), '');
      const { f, running } = start({ isPackaged: true, resourcesDir: resources });
      f.ready();
      await running.ready;
      assert.equal(envOf(f.forked[0]).FFMPEG_PATH, join(resources, 'ffmpeg', 'ffmpeg'));
      assert.equal(
        (f.forked[0].initMessages[0].message as EngineInit).baseDir,
        join('/fake/documents', 'Wan Studio'),
      );

      const own = start({ isPackaged: true, resourcesDir: resources, env: { FFMPEG_PATH: '/opt/ffmpeg' } });
      own.f.ready();
      await own.running.ready;
      assert.equal(envOf(own.f.forked[0]).FFMPEG_PATH, '/opt/ffmpeg');
    } finally {
      await rm(resources, { recursive: true, force: true });
    }
  });

  test('links to output files open in the system player only when inside the output/input folders', async () => {
    const { f, running } = start();
    f.ready();
    await running.ready;
    const out = await mkdtemp(join(tmpdir(), 'wan-out-'));
    try {
      await writeFile(join(out, 'clip.mp4'), 'x');
      playEngine(f.forked[0], { outputDir: out, inputDir: out });
      const wc = f.windows[0].webContents;
      f.appEvents.emit('web-contents-created', {}, wc);
      wc.openHandler!({ url: 'app://studio/files?path=%2Fetc%2Fpasswd' });
      wc.openHandler!({ url: `app://studio/files?path=${encodeURIComponent(join(out, 'clip.mp4'))}` });
      await wait(20);
      assert.deepEqual(f.opened, [join(out, 'clip.mp4')]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
