import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalize, saveWorkflow } from '../../../workflows/canonical';
import { parseWorkflow } from '../../../workflows/load';
import type { WorkflowDocument } from '../../../workflows/schema';
import { baseDocument } from './helpers';

/** The same value with every object's keys in reverse order (array order kept). */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).reverse()) out[k] = reversedKeys((v as Record<string, unknown>)[k]);
  return out;
}

/** The same document with keys reversed everywhere and the edge list reversed. */
function scrambled(doc: WorkflowDocument): WorkflowDocument {
  const out = reversedKeys(doc) as WorkflowDocument;
  out.edges.reverse();
  return out;
}

function reload(text: string): WorkflowDocument {
  const r = parseWorkflow(text);
  if (!r.ok) assert.fail(r.problems.map((p) => p.message).join('\n'));
  return r.doc;
}

describe('saveWorkflow', () => {
  test('writes keys in canonical order with 2-space indent and a trailing newline', () => {
    const doc: WorkflowDocument = {
      edges: [
        { to: { input: 'b', node: 'n2' }, from: { output: 'o', node: 'n1' }, id: 'z' },
        { to: { input: 'a', node: 'n2' }, from: { output: 'o', node: 'n1' }, id: 'a' },
      ],
      nodes: {
        n2: {
          values: { zeta: 1, alpha: { y: 2, x: 1 } },
          position: { y: 2, x: 1 },
          version: 3,
          type: 't.b',
          title: 'B',
        },
        n1: {
          values: {},
          exposed: ['q'],
          size: { height: 5, width: 6 },
          position: { y: 0, x: 0 },
          version: 1,
          type: 't.a',
        },
      },
      meta: { title: 'T' },
      schemaVersion: 1,
    };
    const expected = `{
  "schemaVersion": 1,
  "meta": {
    "title": "T"
  },
  "nodes": {
    "n1": {
      "type": "t.a",
      "version": 1,
      "position": {
        "x": 0,
        "y": 0
      },
      "size": {
        "width": 6,
        "height": 5
      },
      "exposed": [
        "q"
      ],
      "values": {}
    },
    "n2": {
      "type": "t.b",
      "version": 3,
      "title": "B",
      "position": {
        "x": 1,
        "y": 2
      },
      "values": {
        "alpha": {
          "x": 1,
          "y": 2
        },
        "zeta": 1
      }
    }
  },
  "edges": [
    {
      "id": "a",
      "from": {
        "node": "n1",
        "output": "o"
      },
      "to": {
        "node": "n2",
        "input": "a"
      }
    },
    {
      "id": "z",
      "from": {
        "node": "n1",
        "output": "o"
      },
      "to": {
        "node": "n2",
        "input": "b"
      }
    }
  ]
}
`;
    assert.equal(saveWorkflow(doc), expected);
  });

  test('the key order of the input does not change the bytes written', () => {
    const a = saveWorkflow(baseDocument());
    const b = saveWorkflow(scrambled(baseDocument()));
    assert.equal(b, a);
  });

  test('sorts node ids by code units, integer-like ids included', () => {
    const doc = baseDocument();
    const node = doc.nodes.decode;
    doc.nodes = { a: node, '10': node, '2': node, B: node };
    const text = saveWorkflow(doc);
    const nodesText = text.slice(text.indexOf('"nodes"'), text.indexOf('"edges"'));
    const order = [...nodesText.matchAll(/^ {4}"([^"]+)": \{$/gm)].map((m) => m[1]);
    assert.deepEqual(order, ['10', '2', 'B', 'a']);
    assert.equal(saveWorkflow(reload(text)), text);
  });

  test('load then save is byte-stable', () => {
    const once = saveWorkflow(baseDocument());
    const twice = saveWorkflow(reload(once));
    assert.equal(twice, once);
    assert.equal(saveWorkflow(reload(twice)), once);
    assert.ok(once.endsWith('}\n') && !once.endsWith('\n\n'));
  });

  test('keeps group order (drawing order) and non-ASCII text', () => {
    const doc = baseDocument();
    doc.groups = [
      { id: 'z', title: 'Über 🎬', bounds: { x: 0, y: 0, width: 1, height: 1 } },
      { id: 'a', title: '"quoted"\n', bounds: { x: 0, y: 0, width: 1, height: 1 } },
    ];
    const text = saveWorkflow(doc);
    assert.ok(text.indexOf('"id": "z"') < text.indexOf('"id": "a"'));
    assert.deepEqual(reload(text).groups, doc.groups);
    assert.equal(saveWorkflow(reload(text)), text);
  });

  test('writes seedControl after exposed with its keys sorted, and reloads it byte-stably', () => {
    const doc = baseDocument();
    doc.nodes.sampler.seedControl = { seed_b: 'randomize', noise_seed: 'increment' };
    const text = saveWorkflow(scrambled(doc));
    const node = text.slice(text.indexOf('"sampler": {'));
    const at = (key: string) => node.indexOf(`"${key}":`);
    assert.ok(
      at('exposed') > 0 && at('exposed') < at('seedControl') && at('seedControl') < at('values'),
      node.slice(0, 600),
    );
    assert.ok(at('noise_seed') > at('seedControl') && at('noise_seed') < at('seed_b'));
    const back = reload(text);
    assert.deepEqual(back.nodes.sampler.seedControl, { noise_seed: 'increment', seed_b: 'randomize' });
    assert.equal(saveWorkflow(back), text);
  });

  test('refuses an unknown seed control mode on load', () => {
    const doc = JSON.parse(saveWorkflow(baseDocument()));
    doc.nodes.sampler.seedControl = { seed: 'shuffle' };
    const r = parseWorkflow(JSON.stringify(doc));
    assert.equal(r.ok, false);
  });

  test('omits undefined optional fields', () => {
    const doc = baseDocument();
    doc.nodes.decode.title = undefined;
    doc.meta = undefined;
    const text = saveWorkflow(doc);
    assert.ok(!text.includes('"meta"'));
    assert.ok(!/"title": null/.test(text));
  });

  test('refuses a document whose values hold a cycle', () => {
    const doc = baseDocument();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    doc.nodes.decode.values = { loop };
    assert.throws(() => saveWorkflow(doc), /cycle/);
  });
});

describe('canonicalize', () => {
  test('returns an equal document in canonical key order without touching the input', () => {
    const input = scrambled(baseDocument());
    const before = JSON.stringify(input);
    const out = canonicalize(input);
    assert.equal(JSON.stringify(input), before);
    assert.deepEqual(out, baseDocument());
    assert.deepEqual(Object.keys(out), ['schemaVersion', 'meta', 'nodes', 'edges', 'groups']);
    assert.deepEqual(Object.keys(out.nodes.sampler), ['type', 'version', 'position', 'exposed', 'values']);
    assert.deepEqual(Object.keys(out.nodes.sampler.values), [
      'cfg',
      'extra',
      'sampler',
      'seed',
      'shift',
      'steps',
      'tiled',
    ]);
    assert.deepEqual(
      out.edges.map((e) => e.id),
      ['e1', 'e2', 'e3', 'e4'],
    );
    assert.equal(JSON.stringify(out, null, 2) + '\n', saveWorkflow(input));
  });
});
