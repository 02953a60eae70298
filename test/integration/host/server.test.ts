/**
 * Browser mode's HTTP API as a client sees it: requests validated with clear errors, a run
 * through the queue with events on the WebSocket, history persisted across a host restart,
 * output files served with ranges and confined to their folders, and the token rules.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { StudioHost } from '../../../nodes/host/studio-host';
import { serve, type RunningServer } from '../../../nodes/host/server/server';
import { defaultSettings } from '../../../nodes/host/settings';
import type { HostEvent } from '../../../nodes/api/contract';
import { TEMPLATES_DIR } from '../../helpers/paths';

let dir: string;
let host: StudioHost;
let server: RunningServer;

async function api(name: string, params: unknown, init: RequestInit = {}) {
  const res = await fetch(new URL(`api/${name}`, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
    ...init,
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: any; error?: any } };
}

function settingsIn(root: string) {
  return {
    ...defaultSettings(root),
    outputDir: join(root, 'out'),
    inputDir: join(root, 'in'),
    diskCacheDir: join(root, 'cache'),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wan-server-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Wan Studio</title>');
  host = await StudioHost.create({
    dataDir: join(dir, 'data'),
    settings: settingsIn(dir),
    engineInWorker: true,
  });
  server = await serve(host, { port: 0, rendererDir: join(dir, 'renderer') });
});
after(async () => {
  await server.close();
  await host.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser mode API', () => {
  test('binds to 127.0.0.1 by default and serves the editor with a CSP', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.token, undefined);
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('bad parameters answer 400 naming the field; unknown requests 404', async () => {
    const bad = await api('queue.move', { runId: 'x', index: -1 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.ok, false);
    assert.match(bad.body.error.message, /index/);
    const unknown = await api('no.such.request', {});
    assert.equal(unknown.status, 404);
    const notJson = await fetch(new URL('api/queue.list', server.url), { method: 'POST', body: '{oops' });
    assert.equal(notJson.status, 400);
  });

  test('an invalid workflow is answered with problems naming nodes, and nothing is queued', async () => {
    const r = await api('run.enqueue', {
      doc: {
        schemaVersion: 1,
        nodes: { a: { type: 'no.such', version: 1, position: { x: 0, y: 0 }, values: {} } },
        edges: [],
      },
    });
    assert.equal(r.body.ok, true);
    assert.ok(r.body.result.problems.some((p: { node?: string }) => p.node === 'a'));
    assert.deepEqual((await api('queue.list', {})).body.result, []);
  });

  test('a run goes through the queue, streams events over the WebSocket and lands in history', async () => {
    const doc = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'test-pattern.json'), 'utf8')) as {
      nodes: Record<string, { values: Record<string, unknown> }>;
    };
    Object.assign(doc.nodes.pattern.values, { frames: 5, width: 64, height: 64 });
    const ws = new WebSocket(new URL('events', server.url.replace('http', 'ws')), {
      origin: server.url.slice(0, -1),
    });
    const events: HostEvent[] = [];
    ws.on('message', (m: Buffer) => events.push(JSON.parse(m.toString()) as HostEvent));
    await new Promise((r) => ws.once('open', r));
    const r = await api('run.enqueue', { doc, options: { label: 'e2e' } });
    const runId = r.body.result.runId as string;
    assert.ok(runId);
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.channel === 'history') && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 50));
    ws.close();
    const kinds = events
      .filter((e) => e.channel === 'engine')
      .map((e) => (e.channel === 'engine' ? e.event.type : ''));
    assert.equal(kinds[0], 'run_start');
    assert.ok(kinds.includes('node_done'));
    assert.equal(kinds.at(-1), 'run_done');
    const history = (await api('history.list', {})).body.result as Array<{
      runId: string;
      ok: boolean;
      outputs: Array<{ path: string; kind: string }>;
    }>;
    assert.equal(history[0].runId, runId);
    assert.equal(history[0].ok, true);

    // the video is served with byte ranges (the player seeks)
    const video = history[0].outputs.find((o) => o.kind === 'video')!;
    const ranged = await fetch(new URL(`files?path=${encodeURIComponent(video.path)}`, server.url), {
      headers: { Range: 'bytes=0-99' },
    });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);

    // history survives a restart of the host
    const again = await StudioHost.create({ dataDir: join(dir, 'data'), settings: settingsIn(dir) });
    const persisted = (await again.handle('history.list', {})) as Array<{ runId: string }>;
    assert.equal(persisted[0].runId, runId);
    await again.close();
  });

  test('the server answers while a long run works on its worker, and cancel stops it', async () => {
    const doc = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'test-pattern.json'), 'utf8')) as {
      nodes: Record<string, { values: Record<string, unknown> }>;
    };
    Object.assign(doc.nodes.pattern.values, { frames: 700, width: 832, height: 480 });
    const r = await api('run.enqueue', { doc, options: { label: 'long' } });
    const runId = r.body.result.runId as string;
    await new Promise((res) => setTimeout(res, 800));
    const t0 = performance.now();
    const queue = await api('queue.list', {});
    const ms = performance.now() - t0;
    assert.equal(queue.body.result[0]?.state, 'running');
    assert.ok(ms < 500, `queue.list took ${ms.toFixed(0)} ms during a run`);
    assert.equal((await api('run.cancel', { runId })).body.result.cancelled, true);
    const deadline = Date.now() + 20_000;
    let entry: { runId: string; error?: { code: string } } | undefined;
    while (Date.now() < deadline) {
      const h = (await api('history.list', {})).body.result as Array<{
        runId: string;
        error?: { code: string };
      }>;
      entry = h.find((e) => e.runId === runId);
      if (entry) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(entry?.error?.code, 'cancelled');
  });

  test('files outside the output and input folders are refused', async () => {
    for (const p of ['/etc/passwd', join(dir, 'out', '..', 'data', 'history.jsonl')]) {
      const res = await fetch(new URL(`files?path=${encodeURIComponent(p)}`, server.url));
      assert.equal(res.status, 404, p);
    }
  });

  test('a WebSocket from a foreign Origin is refused', async () => {
    const ws = new WebSocket(new URL('events', server.url.replace('http', 'ws')), {
      origin: 'http://evil.example',
    });
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    assert.match(err.message, /403/);
  });

  test('autosave round-trips and settings reject bad values with the field named', async () => {
    const doc = { schemaVersion: 1, nodes: {}, edges: [] };
    await api('autosave.write', { tabs: [{ id: 't1', title: 'A', dirty: true, doc }], activeTab: 't1' });
    const read = await api('autosave.read', {});
    assert.deepEqual(read.body.result.tabs[0].doc, doc);
    const bad = await api('settings.update', { patch: { threads: -3 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /threads/);
  });
});

describe('browser mode with a token (as when bound off loopback)', () => {
  let tokenServer: RunningServer;
  before(async () => {
    tokenServer = await serve(host, { port: 0, token: 'right-token', rendererDir: join(dir, 'renderer') });
  });
  after(() => tokenServer.close());

  test('no token or a wrong token is refused; the right one sets a cookie that then works', async () => {
    assert.equal((await fetch(tokenServer.url)).status, 401);
    assert.equal((await fetch(`${tokenServer.url}?token=wrong`)).status, 401);
    const ok = await fetch(`${tokenServer.url}?token=right-token`);
    assert.equal(ok.status, 200);
    const cookie = ok.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const viaCookie = await fetch(new URL('api/queue.list', tokenServer.url), {
      method: 'POST',
      body: '{}',
      headers: { cookie: cookie.split(';')[0] },
    });
    assert.equal(viaCookie.status, 200);
    const wsBad = new WebSocket(new URL('events', tokenServer.url.replace('http', 'ws')), {
      origin: tokenServer.url.slice(0, -1),
    });
    const err = await new Promise<Error>((resolve) => wsBad.once('error', resolve));
    assert.match(err.message, /403/);
  });

  test('binding to a non-loopback address always generates a token', async () => {
    const s = await serve(host, { host: '0.0.0.0', port: 0, rendererDir: join(dir, 'renderer') });
    try {
      assert.ok(s.token && s.token.length >= 24);
      const port = new URL(s.url).port;
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 401);
    } finally {
      await s.close();
    }
  });
});
