import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { applyOverrides, coerceOverrideValue } from '../../../workflows/overrides';
import { WorkflowError } from '../../../workflows/problems';
import { baseDocument } from './helpers';
import { testInputSpec } from './test-nodes';

function overrideError(set: string[], params: string[] = []): WorkflowError {
  try {
    applyOverrides(baseDocument(), { set, params }, testInputSpec);
  } catch (e) {
    assert.ok(e instanceof WorkflowError, `expected a WorkflowError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the overrides to be refused');
}

describe('applyOverrides', () => {
  test('coerces each value by its input type and returns a new document', () => {
    const doc = baseDocument();
    const out = applyOverrides(
      doc,
      {
        set: [
          'sampler.steps=30',
          'sampler.cfg=7.25',
          'sampler.tiled=1',
          'sampler.sampler=euler',
          'prompt.text=a = b',
          'experts.high=x.safetensors',
        ],
        params: ['seed=-7'],
      },
      testInputSpec,
    );
    assert.deepEqual(out.nodes.sampler.values, {
      ...doc.nodes.sampler.values,
      steps: 30,
      cfg: 7.25,
      tiled: true,
      sampler: 'euler',
      seed: -7,
    });
    assert.equal(out.nodes.prompt.values.text, 'a = b');
    assert.equal(out.nodes.experts.values.high, 'x.safetensors');
    assert.deepEqual(doc, baseDocument(), 'the input document is not modified');
    assert.equal(out.nodes.decode, doc.nodes.decode, 'untouched nodes are shared');
  });

  test('later items win and no overrides returns the same document', () => {
    const doc = baseDocument();
    assert.equal(applyOverrides(doc, {}, testInputSpec), doc);
    const out = applyOverrides(doc, { set: ['sampler.steps=5'], params: ['steps=6'] }, testInputSpec);
    assert.equal(out.nodes.sampler.values.steps, 6);
  });

  test('node ids containing dots are matched', () => {
    const doc = baseDocument();
    doc.nodes['wan.sampler'] = doc.nodes.sampler!;
    const out = applyOverrides(doc, { set: ['wan.sampler.steps=9'] }, testInputSpec);
    assert.equal(out.nodes['wan.sampler'].values.steps, 9);
    assert.equal(out.nodes.sampler.values.steps, 20);
  });

  test('an unparsable number names the item and the expected type', () => {
    const e = overrideError(['sampler.steps=abc']);
    assert.equal(e.problems.length, 1);
    assert.equal(e.problems[0].message, '--set sampler.steps=abc: steps expects an integer');
    assert.equal(e.problems[0].node, 'sampler');
    assert.equal(e.problems[0].input, 'steps');
    for (const bad of ['1.5', '1e3', '', '0x10', '99999999999999999999']) {
      assert.match(overrideError([`sampler.steps=${bad}`]).message, /steps expects an integer/);
    }
    for (const bad of ['abc', '1,5', 'NaN', 'Infinity', '1e999', '']) {
      assert.match(overrideError([`sampler.cfg=${bad}`]).message, /cfg expects a number/);
    }
    assert.match(overrideError(['sampler.tiled=yes']).message, /tiled expects true or false/);
    assert.match(overrideError(['sampler.sampler=ddim']).message, /sampler expects one of: unipc, euler/);
  });

  test('malformed items, unknown nodes, inputs and params are all reported at once', () => {
    const e = overrideError(
      ['steps=20', 'samplr.steps=20', 'sampler.stepz=20', 'sampler.experts=x', 'decode.latent=1'],
      ['nope=1', 'justtext'],
    );
    const messages = e.problems.map((p) => p.message);
    assert.deepEqual(messages, [
      '--set steps=20: expected NODE.INPUT=VALUE, e.g. sampler.steps=20',
      '--set samplr.steps=20: this workflow has no node "samplr" (nodes: decode, experts, out, prompt, sampler)',
      '--set sampler.stepz=20: node "sampler" (test.sampler) has no input "stepz"',
      '--set sampler.experts=x: experts takes a link (EXPERTS), not a value',
      '--set decode.latent=1: latent takes a link (LATENT), not a value',
      '--param nope=1: this workflow has no parameter "nope" (parameters: prompt, seed, steps)',
      '--param justtext: expected NAME=VALUE, e.g. seed=42',
    ]);
    assert.deepEqual(
      e.problems.map((p) => p.code),
      [
        'bad_override',
        'bad_override',
        'bad_override',
        'bad_override',
        'bad_override',
        'bad_param',
        'bad_param',
      ],
    );
  });

  test('a widget input fed by an edge takes no value', () => {
    const doc = baseDocument();
    doc.nodes.seeder = { type: 'test.seed', version: 1, position: { x: 0, y: 0 }, values: {} };
    doc.edges.push({
      id: 'e5',
      from: { node: 'seeder', output: 'seed' },
      to: { node: 'sampler', input: 'seed' },
    });
    assert.throws(
      () => applyOverrides(doc, { params: ['seed=3'] }, testInputSpec),
      (e: unknown) =>
        e instanceof WorkflowError &&
        e.problems[0].edge === 'e5' &&
        e.message ===
          '--param seed=3: seed is fed by edge "e5" from node "seeder", so a value would be ignored',
    );
  });

  test('a parameter pointing at a missing node is reported', () => {
    const doc = baseDocument();
    doc.meta!.params!.ghost = { node: 'gone', input: 'x' };
    assert.throws(
      () => applyOverrides(doc, { params: ['ghost=1'] }, testInputSpec),
      /parameter "ghost" points at node "gone", which is not in this workflow/,
    );
  });
});

describe('coerceOverrideValue', () => {
  test('parses strictly', () => {
    const int = testInputSpec('test.sampler', 'steps')!;
    assert.deepEqual(coerceOverrideValue(int, ' 42 '), { ok: true, value: 42 });
    assert.deepEqual(coerceOverrideValue(int, '+3'), { ok: true, value: 3 });
    const float = testInputSpec('test.sampler', 'cfg')!;
    assert.deepEqual(coerceOverrideValue(float, '.5'), { ok: true, value: 0.5 });
    assert.deepEqual(coerceOverrideValue(float, '-2e-3'), { ok: true, value: -0.002 });
    const bool = testInputSpec('test.sampler', 'tiled')!;
    assert.deepEqual(coerceOverrideValue(bool, 'FALSE'), { ok: true, value: false });
    assert.deepEqual(coerceOverrideValue(bool, '0'), { ok: true, value: false });
    const str = testInputSpec('test.prompt', 'text')!;
    assert.deepEqual(coerceOverrideValue(str, ' 12 '), { ok: true, value: ' 12 ' });
  });
});
