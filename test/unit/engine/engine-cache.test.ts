import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { defineNode } from '../../../nodes/sdk/define';
import type { WorkflowDocument } from '../../../workflows/schema';
import { doc, makeEngine, makeKit, tempDir } from './test-nodes';

const peek = defineNode({
  id: 't.peek',
  version: 1,
  category: 'test',
  title: 'Peek',
  description: 'An output node reading a latent; `tag` forces it to re-run.',
  output: true,
  inputs: { latent: { type: 'LATENT' }, tag: { type: 'INT', default: 0 } },
  outputs: {},
  execute: () => ({}),
});

function chain(c3 = 10): WorkflowDocument {
  return doc(
    {
      c1: ['t.const', { value: 2 }],
      c2: ['t.const', { value: 3 }],
      add1: ['t.add'],
      c3: ['t.const', { value: c3 }],
      add2: ['t.add'],
      o: ['t.out'],
      o2: ['t.out'],
    },
    [
      'c1.out->add1.a',
      'c2.out->add1.b',
      'add1.out->add2.a',
      'c3.out->add2.b',
      'add2.out->o.value',
      'c1.out->o2.value',
    ],
  );
}

describe('engine result cache', () => {
  test('after one value change only that node and its descendants run again', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);

    const r1 = await engine.run(chain());
    assert.equal(r1.ok, true, r1.error?.message);
    assert.deepEqual([...kit.log].sort(), ['add1', 'add2', 'c1', 'c2', 'c3', 'o', 'o2']);
    const oPath = r1.outputs.find((x) => x.node === 'o')!.path;
    assert.equal(readFileSync(oPath, 'utf8'), '15');

    kit.reset();
    const r2 = await engine.run(chain());
    assert.deepEqual(kit.log, [], 'an unchanged workflow runs nothing');
    assert.ok(Object.values(r2.nodes).every((n) => n.status === 'cached'));
    assert.deepEqual(
      r2.outputs.map((x) => x.node),
      ['o', 'o2'],
      'cached output nodes report their files again',
    );

    kit.reset();
    const r3 = await engine.run(chain(20));
    assert.equal(r3.ok, true);
    assert.deepEqual(kit.log, ['c3', 'add2', 'o']);
    assert.equal(r3.nodes.add1?.status, 'cached');
    assert.equal(r3.nodes.add2?.status, 'ran');
    assert.equal(readFileSync(oPath, 'utf8'), '25');
  });

  test('identical subgraphs share one result', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc(
      {
        a1: ['t.const', { value: 4 }],
        x1: ['t.add', { b: 5 }],
        a2: ['t.const', { value: 4 }],
        x2: ['t.add', { b: 5 }],
        o1: ['t.out'],
        o2: ['t.out'],
      },
      ['a1.out->x1.a', 'a2.out->x2.a', 'x1.out->o1.value', 'x2.out->o2.value'],
    );
    const r = await engine.run(d);
    assert.equal(r.ok, true);
    assert.equal(kit.ran('a1') + kit.ran('a2'), 1);
    assert.equal(kit.ran('x1') + kit.ran('x2'), 1);
    assert.equal(kit.ran('o1') + kit.ran('o2'), 2, 'each output node writes its own file');
    assert.equal(r.nodes.a2?.status, 'cached');
    assert.equal(readFileSync(r.outputs[1].path, 'utf8'), '9');
  });

  test('the byte budget evicts the least recently used result', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit([peek]);
    // Room for two 4 KB latents and the small entries, not three latents.
    const engine = makeEngine(kit, dir, { cacheBytes: 10_000 });
    const step = async (fill: number, tag: number): Promise<boolean> => {
      kit.reset();
      const r = await engine.run(
        doc({ L: ['t.latent', { size: 1000, fill }], p: ['t.peek', { tag }] }, ['L.latent->p.latent']),
      );
      assert.equal(r.ok, true, r.error?.message);
      return kit.ran('L') === 1;
    };
    assert.equal(await step(1, 0), true, 'L1 computed');
    assert.equal(await step(2, 0), true, 'L2 computed');
    assert.equal(await step(1, 1), false, 'L1 cached (and now most recently used)');
    assert.equal(await step(3, 0), true, 'L3 computed; evicts L2, the least recently used');
    assert.equal(await step(1, 2), false, 'L1 still cached');
    assert.equal(await step(2, 1), true, 'L2 was evicted');
    assert.ok(engine.cacheInfo().bytes <= 10_000);

    // A result larger than the whole budget is not kept.
    kit.reset();
    await engine.run(
      doc({ L: ['t.latent', { size: 5000, fill: 9 }], p: ['t.peek', { tag: 0 }] }, ['L.latent->p.latent']),
    );
    await engine.run(
      doc({ L: ['t.latent', { size: 5000, fill: 9 }], p: ['t.peek', { tag: 1 }] }, ['L.latent->p.latent']),
    );
    assert.equal(kit.ran('L'), 2);
  });

  test('a cached output node runs again when its file was deleted', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc({ c: ['t.const', { value: 5 }], o: ['t.out'] }, ['c.out->o.value']);
    const r1 = await engine.run(d);
    rmSync(r1.outputs[0].path);
    kit.reset();
    const r2 = await engine.run(d);
    assert.deepEqual(kit.log, ['o']);
    assert.equal(readFileSync(r2.outputs[0].path, 'utf8'), '5');
  });

  test('volatile nodes and their descendants run every time; clearCache forgets results', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const kit = makeKit();
    const engine = makeEngine(kit, dir);
    const d = doc({ k: ['t.clock'], a: ['t.add'], c: ['t.const'], o: ['t.out'], o2: ['t.out'] }, [
      'k.out->a.a',
      'a.out->o.value',
      'c.out->o2.value',
    ]);
    await engine.run(d);
    kit.reset();
    await engine.run(d);
    assert.deepEqual(kit.log, ['k', 'a', 'o']);
    kit.reset();
    engine.clearCache();
    await engine.run(d);
    assert.deepEqual(kit.log.sort(), ['a', 'c', 'k', 'o', 'o2']);
  });
});
