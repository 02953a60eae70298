/**
 * The built engine bundle (dist/electron/engine-process.js, as the utility process runs it)
 * started in plain Node with a stand-in for Electron's `process.parentPort`: it must load its
 * npm dependencies, find its data files (templates, onnx.proto) beside the sources, and answer
 * contract requests on the MessagePort it is handed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElectron, ROOT } from '../../../build/build-electron';

const HARNESS = `
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
const [bundle, dataDir, baseDir] = process.argv.slice(1);
const parent = new EventEmitter();
process.parentPort = parent;
const { port1, port2 } = new MessageChannel();
const asElectronPort = (p) => ({ postMessage: (m) => p.postMessage(m), on: (_e, l) => p.on('message', (data) => l({ data })), start: () => p.start() });
await import(pathToFileURL(bundle).href);
const waiting = new Map();
let ready;
const readyP = new Promise((r) => (ready = r));
port1.on('message', (m) => {
  if (m.kind === 'ready') ready(m);
  if (m.kind === 'fatal') { console.log(JSON.stringify({ fatal: m.message })); process.exit(3); }
  if (m.kind === 'response') waiting.get(m.id)?.(m);
});
let id = 0;
const ask = (name, params) => new Promise((r) => { const i = ++id; waiting.set(i, r); port1.postMessage({ kind: 'request', id: i, name, params }); });
parent.emit('message', { data: { kind: 'init', dataDir, baseDir }, ports: [asElectronPort(port2)] });
const out = { ready: await readyP };
const settings = await ask('settings.get', {});
out.settings = settings.result;
const templates = await ask('templates.list', {});
out.templates = templates.ok ? templates.result.map((t) => t.id) : templates.error;
const catalog = await ask('nodes.catalog', {});
out.catalogOk = catalog.ok;
out.catalogSize = catalog.ok ? JSON.stringify(catalog.result).length : 0;
out.bad = (await ask('queue.move', { runId: 'x', index: -1 })).error;
const upd = await ask('settings.update', { patch: { threads: 3 } });
out.updatedThreads = upd.ok ? upd.result.threads : upd.error;
console.log(JSON.stringify(out));
process.exit(0);
`;

let dir: string;
// Built inside the repo (at dist/electron's depth) so the bundle's npm imports resolve from node_modules.
const outDir = join(ROOT, 'dist', `electron-test-${process.pid}`);
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wan-engine-bundle-'));
  await buildElectron(outDir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('engine utility-process bundle', () => {
  test('answers contract requests on the MessagePort it is handed', () => {
    const bundle = join(outDir, 'engine-process.js');
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', HARNESS, bundle, join(dir, 'data'), join(dir, 'base')],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(r.status, 0, `engine harness failed:\n${r.stdout}\n${r.stderr}`);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      ready: { pid: number };
      settings: { outputDir: string; threads: number };
      templates: string[];
      catalogOk: boolean;
      catalogSize: number;
      bad: { code: string; message: string };
      updatedThreads: number;
    };
    assert.equal(typeof out.ready.pid, 'number');
    assert.equal(out.settings.outputDir, join(dir, 'base', 'output'));
    assert.ok(
      out.templates.includes('test-pattern'),
      `templates found beside the sources: ${JSON.stringify(out.templates)}`,
    );
    assert.equal(out.catalogOk, true);
    assert.ok(out.catalogSize > 1000);
    assert.equal(out.bad.code, 'bad_request');
    assert.match(out.bad.message, /queue\.move/);
    assert.equal(out.updatedThreads, 3);
  });
});
