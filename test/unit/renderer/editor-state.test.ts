/**
 * The editor's store logic without a browser: undo steps over document edits (typing merged per
 * (node, input), sealing), connection checks with their reasons, paste with fresh ids, and how
 * engine events become per-node run state.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeCatalogEntry } from '../../../nodes/engine/catalog';
import {
  addNode,
  checkConnection,
  connect,
  emptyDocument,
  fragmentOf,
  indexCatalog,
  nextSeed,
  pasteFragment,
  removeItems,
  seedUpdates,
  setExposed,
  setSeedControl,
  setValue,
} from '../../../renderer/state/doc-ops';
import { applyEdit, initialHistory, redo, seal, undo } from '../../../renderer/state/history';
import { stepRateSeconds } from '../../../renderer/state/eta';
import { reduceRun } from '../../../renderer/state/run-store';

const entry = (
  id: string,
  inputs: NodeCatalogEntry['inputs'],
  outputs: NodeCatalogEntry['outputs'],
): NodeCatalogEntry => ({
  id,
  version: 1,
  category: 'Test',
  title: id,
  description: '',
  inputs,
  outputs,
  output: false,
  persist: false,
  volatile: false,
});

const source = entry(
  't.source',
  { n: { type: 'INT', default: 3, min: 0, max: 10 } },
  { images: { type: 'IMAGE' }, count: { type: 'INT' } },
);
const sink = entry(
  't.sink',
  { images: { type: 'IMAGE' }, name: { type: 'STRING', default: 'x' }, scale: { type: 'FLOAT', default: 1 } },
  { video: { type: 'VIDEO' } },
);
const catalog = indexCatalog([source, sink]);

describe('undo history', () => {
  test('typing into one input is a single step until sealed; other edits are their own steps', () => {
    let h = initialHistory(emptyDocument());
    h = applyEdit(h, (d) => void addNode(d, sink, { x: 0, y: 0 }));
    for (const v of ['c', 'cl', 'cli', 'clip'])
      h = applyEdit(h, (d) => setValue(d, 'sink_1', 'name', v), 'value:sink_1:name');
    assert.equal(h.past.length, 2);
    h = seal(h);
    h = applyEdit(h, (d) => setValue(d, 'sink_1', 'name', 'clips'), 'value:sink_1:name');
    assert.equal(h.past.length, 3);
    h = undo(h);
    assert.equal(h.doc.nodes.sink_1.values.name, 'clip');
    h = undo(h);
    assert.equal(h.doc.nodes.sink_1.values.name, 'x');
    h = redo(h);
    assert.equal(h.doc.nodes.sink_1.values.name, 'clip');
    h = undo(undo(h));
    assert.deepEqual(h.doc.nodes, {});
  });

  test('an edit changing nothing adds no step, and a recipe returning a value is harmless', () => {
    let h = initialHistory(emptyDocument());
    h = applyEdit(h, (d) => void addNode(d, source, { x: 1, y: 2 }));
    const same = applyEdit(h, (d) => setValue(d, 'source_1', 'n', 3));
    assert.equal(same, h);
    h = applyEdit(h, (d) => {
      addNode(d, sink, { x: 0, y: 0 });
      return connect(d, { node: 'source_1', output: 'images' }, { node: 'sink_1', input: 'images' });
    });
    assert.equal(h.doc.edges.length, 1);
  });
});

describe('document edits', () => {
  const doc = () => {
    const d = emptyDocument();
    addNode(d, source, { x: 0, y: 0 });
    addNode(d, sink, { x: 300, y: 0 });
    return d;
  };

  test('compatible sockets connect, replacing the link already feeding the input', () => {
    const d = doc();
    addNode(d, source, { x: 0, y: 200 });
    connect(d, { node: 'source_1', output: 'images' }, { node: 'sink_1', input: 'images' });
    connect(d, { node: 'source_2', output: 'images' }, { node: 'sink_1', input: 'images' });
    assert.equal(d.edges.length, 1);
    assert.equal(d.edges[0].from.node, 'source_2');
  });

  test('incompatible sockets and cycles are refused with a sentence naming both ends', () => {
    const d = doc();
    const r = checkConnection(
      catalog,
      d,
      { node: 'sink_1', output: 'video' },
      { node: 'sink_1', input: 'images' },
    );
    assert.equal(r.ok, false);
    const r2 = checkConnection(
      catalog,
      d,
      { node: 'source_1', output: 'count' },
      { node: 'sink_1', input: 'images' },
    );
    assert.deepEqual(r2, {
      ok: false,
      reason: 'Cannot connect INT output "count" of t.source to IMAGE input "images" of t.sink.',
    });
    // INT → FLOAT is allowed
    assert.equal(
      checkConnection(catalog, d, { node: 'source_1', output: 'count' }, { node: 'sink_1', input: 'scale' })
        .ok,
      true,
    );
    // a link closing a loop is refused
    addNode(d, source, { x: 0, y: 300 });
    connect(d, { node: 'source_1', output: 'count' }, { node: 'source_2', input: 'n' });
    assert.deepEqual(
      checkConnection(catalog, d, { node: 'source_2', output: 'count' }, { node: 'source_1', input: 'n' }),
      {
        ok: false,
        reason: 'That connection would make a cycle.',
      },
    );
  });

  test('turning a widget back from a socket drops the link into it', () => {
    const d = doc();
    setExposed(d, 'sink_1', 'scale', true);
    connect(d, { node: 'source_1', output: 'count' }, { node: 'sink_1', input: 'scale' });
    assert.deepEqual(d.nodes.sink_1.exposed, ['scale']);
    setExposed(d, 'sink_1', 'scale', false);
    assert.equal(d.nodes.sink_1.exposed, undefined);
    assert.equal(d.edges.length, 0);
  });

  test('a pasted fragment gets fresh ids and keeps its inner links and values', () => {
    const d = doc();
    connect(d, { node: 'source_1', output: 'images' }, { node: 'sink_1', input: 'images' });
    setValue(d, 'sink_1', 'name', 'kept');
    const frag = structuredClone(fragmentOf(d, ['source_1', 'sink_1']));
    const made = pasteFragment(d, frag, { x: 10, y: 20 });
    assert.deepEqual(made.nodes.sort(), ['sink_2', 'source_2']);
    assert.equal(d.nodes.sink_2.values.name, 'kept');
    assert.deepEqual(d.nodes.source_2.position, { x: 10, y: 20 });
    assert.ok(d.edges.some((e) => e.from.node === 'source_2' && e.to.node === 'sink_2'));
    removeItems(d, ['source_2'], []);
    assert.ok(!d.edges.some((e) => e.from.node === 'source_2'));
  });
});

describe('seed controls', () => {
  test('increment adds one and wraps at max; randomize stays within [min, max]; fixed keeps', () => {
    assert.equal(nextSeed('increment', 7, { min: 0, max: 10 }), 8);
    assert.equal(nextSeed('increment', 10, { min: 2, max: 10 }), 2);
    assert.equal(nextSeed('fixed', 7, { min: 0, max: 10 }), 7);
    assert.equal(
      nextSeed('randomize', 7, { min: 5, max: 9 }, () => 0),
      5,
    );
    assert.equal(
      nextSeed('randomize', 7, { min: 5, max: 9 }, () => 0.999999),
      9,
    );
    assert.equal(
      nextSeed('randomize', 0, { min: 0, max: Number.MAX_SAFE_INTEGER }, () => 0.999999999) <=
        Number.MAX_SAFE_INTEGER,
      true,
    );
  });

  test('the mode lives in the document (fixed is not stored); seeds fed by a link are left alone', () => {
    const d = emptyDocument();
    addNode(d, source, { x: 0, y: 0 });
    addNode(d, source, { x: 0, y: 100 });
    setSeedControl(d, 'source_1', 'n', 'increment');
    setSeedControl(d, 'source_2', 'n', 'randomize');
    assert.deepEqual(d.nodes.source_1.seedControl, { n: 'increment' });
    assert.deepEqual(
      seedUpdates(d, catalog, () => 0.5),
      [
        ['source_1', 'n', 4],
        ['source_2', 'n', 5],
      ],
    );
    setExposed(d, 'source_2', 'n', true);
    connect(d, { node: 'source_1', output: 'count' }, { node: 'source_2', input: 'n' });
    assert.deepEqual(seedUpdates(d, catalog), [['source_1', 'n', 4]]);
    setSeedControl(d, 'source_1', 'n', 'fixed');
    assert.equal(d.nodes.source_1.seedControl, undefined);
  });
});

describe('run state from engine events', () => {
  test('queued → running with steps → done / cached, and the error pinned to its node', () => {
    let r = reduceRun(undefined, { type: 'run_start', runId: 'r', order: ['a', 'b', 'c'] }, 0);
    assert.deepEqual(
      Object.values(r.nodes).map((n) => n.phase),
      ['queued', 'queued', 'queued'],
    );
    r = reduceRun(r, { type: 'node_cached', runId: 'r', node: 'a' }, 1);
    r = reduceRun(r, { type: 'node_start', runId: 'r', node: 'b' }, 2);
    assert.deepEqual(r.running, { node: 'b', since: 2 });
    r = reduceRun(
      r,
      { type: 'progress', runId: 'r', node: 'b', step: 1, total: 5, previewUrl: 'data:x' },
      1000,
    );
    r = reduceRun(r, { type: 'progress', runId: 'r', node: 'b', step: 3, total: 5 }, 3000);
    assert.deepEqual(r.nodes.b, { phase: 'running', step: 3, total: 5 });
    assert.equal(r.previewUrl, 'data:x');
    // 2 steps took 2 s → 2 steps left ≈ 2 s
    assert.equal(stepRateSeconds(r.progress!), 2);
    r = reduceRun(
      r,
      {
        type: 'node_done',
        runId: 'r',
        node: 'b',
        ms: 1234,
        artifacts: [{ kind: 'video', path: '/o/v.mp4', mime: 'video/mp4' }],
      },
      4000,
    );
    assert.deepEqual(r.nodes.b, { phase: 'done', ms: 1234 });
    assert.equal(r.outputs[0].node, 'b');
    r = reduceRun(r, { type: 'node_start', runId: 'r', node: 'c' }, 4001);
    const result = { ok: false, runId: 'r', outputs: [], nodes: {} };
    r = reduceRun(
      r,
      {
        type: 'run_error',
        runId: 'r',
        error: { message: 'c broke', node: 'c', code: 'node_failed' },
        result,
      },
      4002,
    );
    assert.equal(r.phase, 'error');
    assert.deepEqual(r.nodes.c, { phase: 'error', message: 'c broke' });
    assert.equal(r.nodes.a.phase, 'cached');
  });
});
