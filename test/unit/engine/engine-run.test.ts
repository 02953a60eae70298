import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveWorkflow } from '../../../workflows/canonical';
import { defineNode } from '../../../nodes/sdk/define';
import type { EngineEvent } from '../../../nodes/engine/events';
import { doc, makeEngine, makeKit, tempDir } from './test-nodes';

const seen: { tempDirs: string[]; files: string[]; json: string[]; settings: unknown[] } = {
  tempDirs: [],
  files: [],
  json: [],
  settings: [],
};
const scratch = defineNode({
  id: 't.scratch',
  version: 1,
  category: 'test',
  title: 'Scratch',
  description: 'Writes into its temp dir and records what the context gave it.',
  output: true,
  inputs: { n: { type: 'INT', default: 0 } },
  outputs: {},
  execute: (_i, ctx) => {
    writeFileSync(join(ctx.tempDir, 'scratch.bin'), 'x');
    seen.tempDirs.push(ctx.tempDir);
    seen.json.push(ctx.workflowJson);
    seen.settings.push(ctx.settings);
    return {};
  },
});
const fileNode = defineNode({
  id: 't.file',
  version: 1,
  category: 'test',
  title: 'File',
  description: 'Receives a resolved FILE path.',
  output: true,
  inputs: { vae: { type: 'FILE', kind: 'model', folder: 'vae', default: 'model.bin' } },
  outputs: {},
  execute: ({ vae }) => {
    seen.files.push(vae);
    return {};
  },
});

const str = defineNode({
  id: 't.str',
  version: 1,
  category: 'test',
  title: 'Text',
  description: 'Outputs its text.',
  inputs: { text: { type: 'STRING', default: '' } },
  outputs: { out: { type: 'STRING' } },
  execute: ({ text }) => ({ out: text }),
});

describe('engine runs', () => {
  test('events come in order; a cached run reports node_cached with the output files', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc({ s: ['t.slow', { steps: 2, ms: 1 }], o: ['t.out'] }, ['s.out->o.value']);
    const events: EngineEvent[] = [];
    const r = await engine.run(d, { runId: 'r1', onEvent: (e) => events.push(e) });
    assert.equal(r.ok, true);
    assert.deepEqual(
      events.map((e) => e.type + ('node' in e ? ':' + e.node : '')),
      [
        'run_start',
        'node_start:s',
        'progress:s',
        'progress:s',
        'node_done:s',
        'node_start:o',
        'node_done:o',
        'run_done',
      ],
    );
    assert.deepEqual(events[0], { type: 'run_start', runId: 'r1', order: ['s', 'o'] });
    assert.ok(events.every((e) => e.runId === 'r1'));
    const done = events.find((e) => e.type === 'node_done' && e.node === 'o');
    assert.equal(done?.type === 'node_done' && done.artifacts[0]?.mime, 'text/plain');
    assert.deepEqual(r.outputs, [
      { node: 'o', path: join(dir, 'out', 'o.txt'), kind: 'image', mime: 'text/plain' },
    ]);

    const again: EngineEvent[] = [];
    await engine.run(d, { onEvent: (e) => again.push(e) });
    const cachedOut = again.find((e) => e.type === 'node_cached' && e.node === 'o');
    assert.equal(
      cachedOut?.type === 'node_cached' && cachedOut.artifacts?.[0]?.path,
      join(dir, 'out', 'o.txt'),
    );
  });

  test('cancelling during a long node stops within one step and the run reports cancelled', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc({ s: ['t.slow', { steps: 1000, ms: 2 }], o: ['t.out'] }, ['s.out->o.value']);
    const ac = new AbortController();
    const steps: number[] = [];
    const events: string[] = [];
    const t0 = Date.now();
    const r = await engine.run(d, {
      signal: ac.signal,
      onEvent: (e) => {
        events.push(e.type);
        if (e.type === 'progress') {
          steps.push(e.step);
          if (e.step === 3) ac.abort();
        }
      },
    });
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'cancelled');
    assert.deepEqual(steps, [1, 2, 3], 'no step after the one that saw the abort');
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(kit.ran('o'), 0);
    assert.equal(events.at(-1), 'run_cancelled');

    // Cancelled between nodes: the next node does not start.
    const ac2 = new AbortController();
    kit.reset();
    const r2 = await engine.run(doc({ c: ['t.const', { value: 9 }], o: ['t.out'] }, ['c.out->o.value']), {
      signal: ac2.signal,
      onEvent: (e) => {
        if (e.type === 'node_done') ac2.abort();
      },
    });
    assert.equal(r2.error?.code, 'cancelled');
    assert.deepEqual(kit.log, ['c']);
    // Already aborted: nothing runs.
    kit.reset();
    const r3 = await engine.run(d, { signal: AbortSignal.abort() });
    assert.equal(r3.error?.code, 'cancelled');
    assert.deepEqual(kit.log, []);
  });

  test('a failing node stops the run naming node and type; upstream results stay cached', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const events: EngineEvent[] = [];
    const r = await engine.run(
      doc({ c: ['t.const', { value: 3 }], f: ['t.fail'], o: ['t.out'] }, ['c.out->f.in', 'f.out->o.value']),
      { onEvent: (e) => events.push(e) },
    );
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'node_failed');
    assert.equal(r.error?.node, 'f');
    assert.equal(r.error?.message, 'Node "f" (t.fail) failed: the test node always fails');
    assert.equal(kit.ran('o'), 0);
    const last = events.at(-1);
    assert.equal(last?.type === 'run_error' && last.error.node, 'f');

    kit.reset();
    const r2 = await engine.run(
      doc({ c: ['t.const', { value: 3 }], a: ['t.add', { b: 1 }], o: ['t.out'] }, [
        'c.out->a.a',
        'a.out->o.value',
      ]),
    );
    assert.equal(r2.ok, true);
    assert.deepEqual(kit.log, ['a', 'o'], 'c was cached by the failed run');
  });

  test('an invalid workflow runs nothing and returns every problem', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const r = await engine.run(doc({ c: ['t.const', { value: 5000 }], o: ['t.out', { value: 'x' }] }));
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'invalid');
    assert.deepEqual(
      r.problems?.map((p) => `${p.code}:${p.node}.${p.input}`),
      ['out_of_range:c.value', 'type_mismatch:o.value'],
    );
    assert.deepEqual(kit.log, []);
    assert.deepEqual(
      engine.validate(doc({ c: ['t.const'] }), {}).map((p) => p.code),
      ['bad_output'],
    );
  });

  test('only the requested outputs and what they need run', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc({ a: ['t.const'], b: ['t.const', { value: 2 }], oa: ['t.out'], ob: ['t.out'] }, [
      'a.out->oa.value',
      'b.out->ob.value',
    ]);
    const r = await engine.run(d, { outputs: ['ob'] });
    assert.deepEqual(kit.log, ['b', 'ob']);
    assert.deepEqual(Object.keys(r.nodes), ['b', 'ob']);
  });

  test('temp dirs are made on demand and removed; workflowJson is canonical; settings pass through', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit([scratch]);
    const engine = makeEngine(kit, dir, { settings: { provider: 'cpu' } });
    seen.tempDirs.length = 0;
    seen.json.length = 0;
    const d = doc({ s: ['t.scratch', { n: 1 }] });
    await engine.run(d);
    assert.equal(seen.tempDirs.length, 1);
    assert.equal(existsSync(seen.tempDirs[0]), false, 'removed after the run');
    assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
    assert.deepEqual(seen.settings.at(-1), { provider: 'cpu' });

    const reordered = {
      edges: [],
      nodes: { s: { values: { n: 2 }, position: { y: 0, x: 100 }, version: 1, type: 't.scratch' } },
      schemaVersion: 1 as const,
    };
    await engine.run(reordered);
    const d2 = doc({ s: ['t.scratch', { n: 2 }] });
    engine.clearCache();
    await engine.run(d2, { runId: 'again' });
    assert.equal(seen.json.length, 3);
    assert.equal(seen.json[1], seen.json[2], 'key order does not change workflowJson');
    assert.equal(seen.json[1], saveWorkflow(d2));
    assert.deepEqual(JSON.parse(seen.json[1]), d2);

    // A run whose nodes never ask for tempDir creates no folder at all.
    await makeEngine(makeKit(), dir, { tempRoot: join(dir, 'tmp2') }).run(
      doc({ c: ['t.const'], o: ['t.out'] }, ['c.out->o.value']),
    );
    assert.equal(existsSync(join(dir, 'tmp2')), false);
  });

  test('FILE values resolve against the folder roots, then the base dir; a missing file is a clear error', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const rootA = join(dir, 'a');
    const rootB = join(dir, 'b');
    const base = join(dir, 'wf');
    for (const p of [rootA, rootB, base]) mkdirSync(p);
    const kit = makeKit([fileNode, str]);
    const engine = makeEngine(kit, dir, { folders: { vae: [rootA, rootB] } });
    seen.files.length = 0;

    const missing = await engine.run(doc({ f: ['t.file'] }), { baseDir: base });
    assert.equal(missing.ok, false);
    assert.equal(missing.error?.code, 'invalid');
    assert.equal(missing.error?.node, 'f');
    assert.equal(missing.problems?.[0]?.input, 'vae');
    assert.match(
      missing.error?.message ?? '',
      /^Node "f" \(t\.file\): input "vae": the file "model\.bin" was not found \(looked for .*a\/model\.bin, .*b\/model\.bin, .*wf\/model\.bin\)\.$/,
    );
    assert.deepEqual(seen.files, []);

    writeFileSync(join(base, 'model.bin'), 'base');
    await engine.run(doc({ f: ['t.file'] }), { baseDir: base });
    writeFileSync(join(rootB, 'model.bin'), 'in b');
    await engine.run(doc({ f: ['t.file'] }), { baseDir: base });
    const abs = join(base, 'model.bin');
    await engine.run(doc({ f: ['t.file', { vae: abs }] }), { baseDir: base });
    assert.deepEqual(seen.files, [join(base, 'model.bin'), join(rootB, 'model.bin'), abs]);

    // The file's identity is part of the signature: same name, new content → runs again.
    await engine.run(doc({ f: ['t.file'] }), { baseDir: base });
    assert.equal(seen.files.length, 3, 'unchanged file: cached');
    writeFileSync(join(rootB, 'model.bin'), 'changed in b');
    const later = new Date(statSync(join(rootB, 'model.bin')).mtimeMs + 5000);
    utimesSync(join(rootB, 'model.bin'), later, later);
    await engine.run(doc({ f: ['t.file'] }), { baseDir: base });
    assert.equal(seen.files.length, 4);

    // A file name fed by an edge is resolved the same way when the node runs.
    const linked = await engine.run(
      doc({ s: ['t.str', { text: 'model.bin' }], f: ['t.file'] }, ['s.out->f.vae']),
      { baseDir: base },
    );
    assert.equal(linked.ok, true, linked.error?.message);
    assert.equal(seen.files.at(-1), join(rootB, 'model.bin'));
    const bad = await engine.run(
      doc({ s: ['t.str', { text: 'nope.bin' }], f: ['t.file'] }, ['s.out->f.vae']),
      { baseDir: base },
    );
    assert.equal(bad.error?.code, 'node_failed');
    assert.match(
      bad.error?.message ?? '',
      /^Node "f" \(t\.file\): input "vae": the file "nope\.bin" was not found/,
    );
  });
});
