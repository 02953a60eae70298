import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../nodes/sdk/define';
import type { Latent } from '../../../nodes/sdk/values';
import { validateWorkflow } from '../../../nodes/engine/validate';
import type { WorkflowProblem } from '../../../workflows/problems';
import { doc, makeKit } from './test-nodes';

const oneLatent = (): Latent => ({ kind: 'latent', samples: { dims: [1], data: new Float32Array(1) } });
const rich = defineNode({
  id: 't.rich',
  version: 2,
  category: 'test',
  title: 'Rich',
  description: 'Every kind of input.',
  inputs: {
    model: { type: 'MODEL' },
    extra: { type: 'LATENT', optional: true },
    steps: { type: 'INT', default: 20, min: 1, max: 100 },
    cfg: { type: 'FLOAT', default: 5, min: 0, max: 30 },
    mode: { type: 'ENUM', options: ['fast', 'slow'], default: 'fast' },
    name: { type: 'STRING', default: '' },
    flag: { type: 'BOOLEAN', default: false },
    ckpt: { type: 'FILE', kind: 'model', folder: 'vae', default: 'vae.safetensors' },
  },
  outputs: { latent: { type: 'LATENT' } },
  upgrade: (values, from) =>
    from === 1 && 'count' in values ? { ...values, steps: values.count, count: undefined } : values,
  execute: () => ({ latent: oneLatent() }),
});
const model = defineNode({
  id: 't.model',
  version: 1,
  category: 'test',
  title: 'Model',
  description: 'A model handle.',
  inputs: {},
  outputs: { model: { type: 'MODEL' } },
  execute: () => ({ model: {} }),
});

const broken = defineNode({
  id: 't.broken',
  version: 3,
  category: 'test',
  title: 'Broken upgrade',
  description: 'Its upgrade throws.',
  inputs: {},
  outputs: {},
  output: true,
  upgrade: () => {
    throw new Error('version 1 files are not supported');
  },
  execute: () => ({}),
});

const kit = makeKit([rich, model, broken]);
const codes = (ps: WorkflowProblem[]): string[] => ps.map((p) => p.code);
const find = (ps: WorkflowProblem[], code: string, node?: string): WorkflowProblem => {
  const p = ps.find((x) => x.code === code && (node === undefined || x.node === node));
  assert.ok(p, `expected a ${code} problem${node ? ` on ${node}` : ''}; got ${JSON.stringify(ps, null, 1)}`);
  return p;
};

describe('validateWorkflow', () => {
  test('a valid workflow has no problems; absent widget values fall back to defaults', () => {
    const d = doc({ m: ['t.model'], r: ['t.rich', { steps: 30 }], s: ['t.sum'], o: ['t.out'] }, [
      'm.model->r.model',
      'r.latent->s.latent',
      's.out->o.value',
    ]);
    d.nodes.r.version = 2;
    assert.deepEqual(validateWorkflow(d, kit.registry), []);
  });

  test('reports every problem class at once, each naming its node and input', () => {
    const d = doc(
      {
        ghost: ['t.nope'],
        future: ['t.const'],
        r1: ['t.rich', { steps: 0, cfg: 'high', mode: 'turbo', flag: 1, bogus: 3, model: 'x' }],
        r2: ['t.rich', { steps: 2.5, cfg: 31, ckpt: '' }],
        a: ['t.add'],
        b: ['t.add'],
        c: ['t.add'],
        s: ['t.sum'],
        o: ['t.out'],
      },
      [
        'a.out->b.a',
        'b.out->c.a',
        'c.out->a.a', // cycle a → b → c → a
        'future.out->s.latent', // INT into LATENT
        'missing.out->o.value', // from a node that does not exist
        'future.nope->b.b', // output that does not exist
        'future.out->c.nope', // input that does not exist
        'future.out->o.value',
        'a.out->o.value', // third edge into o.value
      ],
      {
        params: {
          seed: { node: 'gone', input: 'value' },
          steps: { node: 'r1', input: 'nosuch' },
          m: { node: 'r2', input: 'model' },
        },
      },
    );
    d.nodes.future.version = 5;
    const ps = validateWorkflow(d, kit.registry, { outputs: ['o', 'a', 'zz'] });

    assert.match(find(ps, 'unknown_type', 'ghost').message, /"ghost".*"t\.nope"/);
    assert.match(find(ps, 'future_node_version', 'future').message, /version 5.*version 1/);
    const below = find(ps, 'out_of_range', 'r1');
    assert.equal(below.input, 'steps');
    assert.equal(below.message, 'Node "r1" (t.rich): input "steps" is 0, below the minimum 1.');
    assert.deepEqual(below.path, ['nodes', 'r1', 'values', 'steps']);
    const above = ps.find((p) => p.code === 'out_of_range' && p.node === 'r2');
    assert.equal(above?.message, 'Node "r2" (t.rich): input "cfg" is 31, above the maximum 30.');
    const wrongType = ps.filter((p) => p.code === 'type_mismatch' && p.node === 'r1').map((p) => p.input);
    assert.deepEqual(wrongType.sort(), ['cfg', 'flag']);
    const notInt = ps.find((p) => p.code === 'type_mismatch' && p.node === 'r2' && p.input === 'steps');
    assert.match(notInt?.message ?? '', /2\.5.*whole number/);
    assert.match(find(ps, 'not_in_options', 'r1').message, /"turbo".*"fast", "slow"/);
    const unknownValues = ps.filter((p) => p.code === 'unknown_value' && p.node === 'r1').map((p) => p.input);
    assert.deepEqual(unknownValues.sort(), ['bogus', 'model']);
    const missing = ps.filter((p) => p.code === 'missing_input').map((p) => `${p.node}.${p.input}`);
    assert.deepEqual(missing.sort(), ['r1.model', 'r2.ckpt', 'r2.model']);
    const mismatch = find(ps, 'type_mismatch', 's');
    assert.equal(mismatch.input, 'latent');
    assert.match(mismatch.message, /takes LATENT.*brings INT/);
    const dangling = ps.filter((p) => p.code === 'dangling_edge').map((p) => p.edge);
    assert.deepEqual(dangling.sort(), ['e4', 'e5', 'e6']);
    const dup = find(ps, 'duplicate_link', 'o');
    assert.equal(dup.input, 'value');
    assert.match(dup.message, /3 edges/);
    const cycle = find(ps, 'cycle');
    assert.match(cycle.message, /"a", "b", "c"/);
    const badParams = ps.filter((p) => p.code === 'bad_param').map((p) => p.path?.at(-1));
    assert.deepEqual(badParams.sort(), ['m', 'seed', 'steps']);
    const badOutputs = ps.filter((p) => p.code === 'bad_output').map((p) => p.node);
    assert.deepEqual(badOutputs.sort(), ['a', 'zz']);
    for (const p of ps) assert.match(p.message, /\.$/, `messages are sentences: ${p.message}`);
  });

  test('an unlinked required link input is missing; an optional one is not', () => {
    const ps = validateWorkflow(doc({ r: ['t.rich'], o: ['t.out'] }), kit.registry);
    assert.deepEqual(codes(ps), ['missing_input']);
    assert.equal(ps[0].input, 'model');
    assert.equal(ps[0].message, 'Node "r" (t.rich): required input "model" (MODEL) is not connected.');
  });

  test('a linked widget input ignores its literal value', () => {
    const d = doc({ c: ['t.const'], o: ['t.out', { value: 'not a number' }] }, ['c.out->o.value']);
    assert.deepEqual(validateWorkflow(d, kit.registry), []);
  });

  test('a self-loop is a cycle', () => {
    const d = doc({ a: ['t.add'], o: ['t.out'] }, ['a.out->a.b']);
    const ps = validateWorkflow(d, kit.registry);
    assert.deepEqual(codes(ps), ['cycle']);
    assert.match(ps[0].message, /"a" feeds its own input/);
  });

  test('older node versions go through upgrade; a failing upgrade is a migration problem', () => {
    const d = doc({ m: ['t.model'], r: ['t.rich', { count: 7 }], o: ['t.out'] }, ['m.model->r.model']);
    d.nodes.r.version = 1;
    assert.deepEqual(validateWorkflow(d, kit.registry), [], 'count was upgraded into steps');
    d.nodes.r.values = { count: 500 };
    assert.equal(find(validateWorkflow(d, kit.registry), 'out_of_range', 'r').input, 'steps');
    const b = doc({ b: ['t.broken'] });
    const ps = validateWorkflow(b, kit.registry);
    assert.deepEqual(codes(ps), ['migration']);
    assert.match(ps[0].message, /Node "b" \(t\.broken\).*version 1 files are not supported/);
  });

  test('a workflow without output nodes cannot run', () => {
    const ps = validateWorkflow(doc({ c: ['t.const'] }), kit.registry);
    assert.deepEqual(codes(ps), ['bad_output']);
  });
});
