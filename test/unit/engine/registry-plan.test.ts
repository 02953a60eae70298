import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../nodes/sdk/define';
import { buildGraph } from '../../../nodes/engine/graph';
import { planRun } from '../../../nodes/engine/plan';
import { NodeRegistry } from '../../../nodes/engine/registry';
import { doc, makeKit } from './test-nodes';

describe('node registry', () => {
  test('rejects duplicate ids and malformed definitions', () => {
    const kit = makeKit();
    const def = kit.registry.get('t.const')!;
    assert.throws(() => kit.registry.register(def), /Node type "t\.const" is already registered\./);
    const bad = defineNode({
      id: 't.bad',
      version: 1,
      category: 'x',
      title: 'Bad',
      description: '',
      inputs: { mode: { type: 'ENUM', options: ['a'], default: 'b' } },
      outputs: {},
      execute: () => ({}),
    });
    assert.throws(() => new NodeRegistry([bad]), /"mode" defaults to "b", which is not one of its options/);
    assert.equal(kit.registry.get('t.nope'), undefined);
    assert.deepEqual(
      kit.registry
        .list()
        .slice(0, 2)
        .map((d) => d.id),
      ['t.const', 't.add'],
    );
  });

  test('the catalog is plain JSON data without functions', () => {
    const cat = makeKit().registry.catalog();
    assert.deepEqual(JSON.parse(JSON.stringify(cat)), cat);
    const entry = cat.nodes.find((n) => n.id === 't.out')!;
    assert.deepEqual(entry, {
      id: 't.out',
      version: 1,
      category: 'test',
      title: 'Out',
      description: 'Writes its value to <outputDir>/<node>.txt.',
      inputs: { value: { type: 'INT', default: 0 } },
      outputs: {},
      output: true,
      persist: false,
      volatile: false,
    });
    const titles = cat.nodes.map((n) => n.title);
    assert.deepEqual(titles, [...titles].sort(), 'sorted by category then title');
  });
});

describe('planRun', () => {
  test('runs only what the outputs need, in a stable topological order', () => {
    const kit = makeKit();
    const d = doc(
      {
        o: ['t.out'],
        z: ['t.add'],
        unused: ['t.const'],
        b: ['t.const'],
        a: ['t.const'],
        o2: ['t.out'],
      },
      ['a.out->z.a', 'b.out->z.b', 'z.out->o.value', 'a.out->o2.value'],
    );
    const g = buildGraph(d, kit.registry);
    assert.deepEqual(planRun(g, ['o', 'o2']).order, ['b', 'a', 'z', 'o', 'o2']);
    assert.deepEqual(planRun(g, ['o2']).order, ['a', 'o2']);
    // Same graph, same order, every time.
    assert.deepEqual(planRun(buildGraph(d, kit.registry), ['o', 'o2']).order, planRun(g, ['o', 'o2']).order);
  });
});
