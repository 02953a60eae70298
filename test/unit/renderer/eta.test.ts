/**
 * The whole-run ETA: node signatures, what earlier runs say about each node, and the estimate
 * from finished, running and queued nodes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HistoryEntry } from '../../../nodes/api/contract';
import type { WorkflowDocument } from '../../../workflows/schema';
import {
  docSignatures,
  estimateRun,
  expectedDurations,
  pastRuns,
  stepRateSeconds,
} from '../../../renderer/state/eta';
import type { NodeRunState, RunProgress } from '../../../renderer/state/run-store';

/** load → sampler → decode → out, like a small Wan graph. */
function graph(seed = 1, steps = 20): WorkflowDocument {
  const n = (type: string, values: Record<string, unknown> = {}) => ({
    type,
    version: 1,
    position: { x: 0, y: 0 },
    values,
  });
  return {
    schemaVersion: 1,
    nodes: {
      load: n('t.load', { file: 'model.safetensors' }),
      sampler: n('t.sampler', { seed, steps, cfg: { high: 4, low: 3 } }),
      decode: n('t.decode'),
      out: n('t.out', { prefix: 'clip' }),
    },
    edges: [
      { id: 'e1', from: { node: 'load', output: 'model' }, to: { node: 'sampler', input: 'model' } },
      { id: 'e2', from: { node: 'sampler', output: 'latent' }, to: { node: 'decode', input: 'latent' } },
      { id: 'e3', from: { node: 'decode', output: 'images' }, to: { node: 'out', input: 'images' } },
    ],
  };
}

function entry(runId: string, doc: WorkflowDocument, nodes: HistoryEntry['nodes']): HistoryEntry {
  return { ok: true, runId, outputs: [], nodes, label: runId, startedAt: 0, doc };
}

describe('node signatures', () => {
  test('equal graphs sign equal; a change upstream changes everything downstream, not upstream', () => {
    const a = docSignatures(graph(1));
    const b = docSignatures(graph(1));
    assert.deepEqual([...a], [...b]);
    const c = docSignatures(graph(2));
    assert.equal(c.get('load'), a.get('load'));
    for (const id of ['sampler', 'decode', 'out']) assert.notEqual(c.get(id), a.get(id), id);
  });

  test('value key order does not matter; a value of a linked input is ignored', () => {
    const a = graph();
    const b = graph();
    b.nodes.sampler.values = { cfg: { low: 3, high: 4 }, steps: 20, seed: 1 };
    b.nodes.decode.values = { latent: 'stale literal behind a link' };
    assert.deepEqual([...docSignatures(a)], [...docSignatures(b)]);
  });

  test('nodes in a cycle get no signature instead of looping', () => {
    const d = graph();
    d.edges.push({ id: 'loop', from: { node: 'out', output: 'x' }, to: { node: 'sampler', input: 'again' } });
    const s = docSignatures(d);
    assert.equal(s.has('sampler'), false);
    assert.equal(s.has('load'), true);
  });
});

describe('expected durations', () => {
  const first = entry('r1', graph(1), {
    load: { status: 'ran', ms: 3000 },
    sampler: { status: 'ran', ms: 20000 },
    decode: { status: 'ran', ms: 5000 },
    out: { status: 'ran', ms: 1000 },
  });

  test('same signature → expected from the cache (0); same node with other values → its last duration', () => {
    const exp = expectedDurations(graph(2), pastRuns([first]));
    assert.deepEqual(Object.fromEntries(exp), { load: 0, sampler: 20000, decode: 5000, out: 1000 });
  });

  test('volatile nodes are never cached: they count their earlier duration', () => {
    const exp = expectedDurations(graph(1), pastRuns([first]), (t) => t === 't.out');
    assert.deepEqual(Object.fromEntries(exp), { load: 0, sampler: 0, decode: 0, out: 1000 });
  });

  test('the newest run wins; a cached status gives no duration for the node', () => {
    const newer = entry('r2', graph(3, 40), {
      load: { status: 'cached', ms: 0 },
      sampler: { status: 'ran', ms: 40000 },
      decode: { status: 'ran', ms: 5500 },
      out: { status: 'ran', ms: 900 },
    });
    const exp = expectedDurations(graph(4, 40), pastRuns([newer, first]));
    assert.equal(exp.get('sampler'), 40000);
    assert.equal(exp.get('out'), 900);
    assert.equal(exp.get('load'), 0);
  });

  test('a node never seen before has no estimate', () => {
    const d = graph();
    d.nodes.extra = { type: 't.upscale', version: 1, position: { x: 0, y: 0 }, values: {} };
    assert.equal(expectedDurations(d, pastRuns([first])).has('extra'), false);
  });
});

describe('estimateRun', () => {
  const order = ['load', 'sampler', 'decode', 'out'];
  const expected = new Map([
    ['load', 0],
    ['sampler', 20000],
    ['decode', 5000],
    ['out', 1000],
  ]);
  const st = (phase: NodeRunState['phase']): NodeRunState => ({ phase });

  test('before anything runs: the sum of the expected durations', () => {
    const nodes = Object.fromEntries(order.map((id) => [id, st('queued')]));
    assert.deepEqual(estimateRun({ order, nodes, expected, now: 0 }), { seconds: 26, unknown: 0 });
  });

  test('the running node at its step rate, plus the nodes after it', () => {
    const nodes = { load: st('cached'), sampler: st('running'), decode: st('queued'), out: st('queued') };
    // 5 of 20 steps done in 10 s (measured from step 0) → 30 s left for the sampler
    const progress: RunProgress = {
      node: 'sampler',
      step: 5,
      total: 20,
      since: 1000,
      sinceStep: 0,
      at: 11000,
    };
    const eta = estimateRun({
      order,
      nodes,
      progress,
      running: { node: 'sampler', since: 1000 },
      expected,
      now: 11000,
    });
    assert.deepEqual(eta, { seconds: 30 + 5 + 1, unknown: 0 });
    // half a second later, with no new step, it counts down
    assert.equal(estimateRun({ order, nodes, progress, expected, now: 11500 })?.seconds, 35.5);
  });

  test('a running node with no step yet: its expected duration less the time it has run', () => {
    const nodes = { load: st('done'), sampler: st('done'), decode: st('running'), out: st('queued') };
    const eta = estimateRun({ order, nodes, running: { node: 'decode', since: 0 }, expected, now: 2000 });
    assert.deepEqual(eta, { seconds: 3 + 1, unknown: 0 });
    const late = estimateRun({ order, nodes, running: { node: 'decode', since: 0 }, expected, now: 9000 });
    assert.deepEqual(late, { seconds: 1, unknown: 0 }, 'never negative');
  });

  test('nodes without an estimate are counted, not guessed; nothing known → no ETA', () => {
    const nodes = { load: st('done'), sampler: st('running'), decode: st('queued'), out: st('queued') };
    const progress: RunProgress = { node: 'sampler', step: 2, total: 4, since: 0, sinceStep: 1, at: 1000 };
    const eta = estimateRun({ order, nodes, progress, expected: new Map(), now: 1000 });
    assert.deepEqual(eta, { seconds: 2, unknown: 2 });
    assert.equal(estimateRun({ order, nodes, expected: new Map(), now: 1000 }), undefined);
  });

  test('step rate: undefined before a step is measured, 0 when the last step is reached', () => {
    assert.equal(
      stepRateSeconds({ node: 'a', step: 3, total: 10, since: 0, sinceStep: 3, at: 500 }),
      undefined,
    );
    assert.equal(stepRateSeconds({ node: 'a', step: 10, total: 10, since: 0, sinceStep: 3, at: 500 }), 0);
  });
});
