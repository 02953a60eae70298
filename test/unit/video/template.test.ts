import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { coreNodes } from '../../../nodes/defs/index';
import { socketCompatible, type NodeDef, type SocketType } from '../../../nodes/sdk';
import { WorkflowDocument } from '../../../workflows/schema';

const path = new URL('../../../workflows/templates/test-pattern.json', import.meta.url);
const text = await readFile(path, 'utf8');
const doc = WorkflowDocument.parse(JSON.parse(text));
const defs = new Map<string, NodeDef>(coreNodes.map((d) => [d.id, d as NodeDef]));

/** The documented on-disk layout: fixed key order, nodes/edges/values sorted, 2-space JSON. */
function canonical(d: WorkflowDocument): string {
  const sortObj = <T>(o: Record<string, T>) =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    );
  const nodes = Object.fromEntries(
    Object.keys(d.nodes)
      .sort()
      .map((id) => {
        const n = d.nodes[id];
        return [
          id,
          {
            type: n.type,
            version: n.version,
            ...(n.title !== undefined ? { title: n.title } : {}),
            position: n.position,
            values: sortObj(n.values),
          },
        ];
      }),
  );
  const edges = [...d.edges].sort((a, b) => (a.id < b.id ? -1 : 1));
  return JSON.stringify({ schemaVersion: d.schemaVersion, meta: d.meta, nodes, edges }, null, 2) + '\n';
}

describe('workflows/templates/test-pattern.json', () => {
  test('is a schema-1 document laid out canonically', () => {
    assert.equal(doc.schemaVersion, 1);
    assert.equal(text, canonical(doc));
  });

  test('Test Pattern → Video Out (+ Preview), all types known and values valid', () => {
    const types = Object.values(doc.nodes)
      .map((n) => n.type)
      .sort();
    assert.deepEqual(types, ['image.preview', 'source.test_pattern', 'video.out']);
    for (const [id, n] of Object.entries(doc.nodes)) {
      const def = defs.get(n.type)!;
      assert.equal(n.version, def.version, id);
      for (const [k, v] of Object.entries(n.values)) {
        const spec = def.inputs[k] as
          { type: string; min?: number; max?: number; options?: readonly string[] } | undefined;
        assert.ok(spec, `${id}.${k} is an input of ${n.type}`);
        if (spec.type === 'INT' || spec.type === 'FLOAT') {
          assert.equal(typeof v, 'number');
          assert.ok(
            (spec.min ?? -Infinity) <= (v as number) && (v as number) <= (spec.max ?? Infinity),
            `${id}.${k}`,
          );
        }
        if (spec.type === 'ENUM') assert.ok(spec.options!.includes(v as string), `${id}.${k}`);
      }
    }
  });

  test('edges join existing, compatible sockets and feed every link input', () => {
    const fed = new Set<string>();
    for (const e of doc.edges) {
      const from = defs.get(doc.nodes[e.from.node].type)!;
      const to = defs.get(doc.nodes[e.to.node].type)!;
      const out = from.outputs[e.from.output] as { type: SocketType } | undefined;
      const inp = to.inputs[e.to.input] as { type: SocketType } | undefined;
      assert.ok(out && inp, e.id);
      assert.ok(socketCompatible(out.type, inp.type), e.id);
      fed.add(`${e.to.node}.${e.to.input}`);
    }
    for (const [id, n] of Object.entries(doc.nodes)) {
      for (const [k, s] of Object.entries(defs.get(n.type)!.inputs)) {
        const spec = s as { type: string; optional?: boolean; default?: unknown };
        if (spec.default === undefined && !spec.optional)
          assert.ok(fed.has(`${id}.${k}`), `${id}.${k} is connected`);
      }
    }
  });

  test('meta has a title, description and the five params, each pointing at a real input', () => {
    assert.ok(doc.meta?.title && doc.meta.description);
    assert.deepEqual(Object.keys(doc.meta.params ?? {}).sort(), [
      'format',
      'fps',
      'frames',
      'height',
      'width',
    ]);
    for (const [name, p] of Object.entries(doc.meta.params!)) {
      const n = doc.nodes[p.node];
      assert.ok(n, name);
      assert.ok(p.input in defs.get(n.type)!.inputs, name);
    }
  });
});
