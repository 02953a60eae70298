import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { saveWorkflow } from '../../../workflows/canonical';
import { parseWorkflow } from '../../../workflows/load';
import { migrateDocument, upgradeNodes } from '../../../workflows/migrations';
import type { NodeTypeLookup } from '../../../workflows/migrations';
import type { WorkflowDocument } from '../../../workflows/schema';
import { baseDocument } from './helpers';

const DRAFT = {
  version: 0,
  title: 'Old draft',
  nodes: [
    { id: 1, type: 'test.prompt', x: 10, y: 20, inputs: { text: 'a fox', negative: '' }, title: 'Prompt' },
    { id: 'sampler', type: 'test.sampler', x: 300, y: 20.5, inputs: { steps: 30, cfg: 6 }, typeVersion: 2 },
    { id: 3, type: 'test.decode', x: 600, y: 0 },
  ],
  links: [
    [1, 'conditioning', 'sampler', 'conditioning'],
    ['sampler', 'latent', 3, 'latent'],
  ],
};

const EXPECTED_V1: WorkflowDocument = {
  schemaVersion: 1,
  meta: { title: 'Old draft' },
  nodes: {
    '1': {
      type: 'test.prompt',
      version: 1,
      title: 'Prompt',
      position: { x: 10, y: 20 },
      values: { text: 'a fox', negative: '' },
    },
    sampler: {
      type: 'test.sampler',
      version: 2,
      position: { x: 300, y: 20.5 },
      values: { steps: 30, cfg: 6 },
    },
    '3': { type: 'test.decode', version: 1, position: { x: 600, y: 0 }, values: {} },
  },
  edges: [
    { id: 'e1', from: { node: '1', output: 'conditioning' }, to: { node: 'sampler', input: 'conditioning' } },
    { id: 'e2', from: { node: 'sampler', output: 'latent' }, to: { node: '3', input: 'latent' } },
  ],
};

describe('schema 0 → 1', () => {
  test('a draft file loads as the expected v1 document and then saves stably', () => {
    const r = parseWorkflow(JSON.stringify(DRAFT));
    assert.ok(r.ok, r.ok ? '' : r.problems.map((p) => p.message).join('\n'));
    assert.equal(r.migrated, true);
    assert.deepEqual(r.doc, EXPECTED_V1);
    const saved = saveWorkflow(r.doc);
    const again = parseWorkflow(saved);
    assert.ok(again.ok);
    assert.equal(again.migrated, false);
    assert.equal(saveWorkflow(again.doc), saved);
  });

  test('a draft with a malformed link names the link', () => {
    const bad = { ...DRAFT, links: [[1, 'conditioning', 'sampler']] };
    const r = parseWorkflow(JSON.stringify(bad));
    assert.ok(!r.ok);
    assert.equal(r.problems[0].code, 'migration');
    assert.deepEqual(r.problems[0].path, ['links', 0]);
    assert.match(r.problems[0].message, /^Schema 0 draft: .*links\[0\] must have at least 4 items/);
  });

  test('a draft with a repeated node id is refused', () => {
    const bad = { ...DRAFT, nodes: [...DRAFT.nodes, { id: '1', type: 'x', x: 0, y: 0 }] };
    const r = parseWorkflow(JSON.stringify(bad));
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /node id "1" is used twice \(nodes\[0\] and nodes\[3\]\)/);
  });

  test('what the migration produces is still validated', () => {
    const bad = { ...DRAFT, nodes: [{ id: 'has space', type: 'x', x: 0, y: 0 }], links: [] };
    const r = parseWorkflow(JSON.stringify(bad));
    assert.ok(!r.ok);
    assert.match(r.problems[0].message, /"has space" is not a valid node id/);
  });
});

describe('migrateDocument', () => {
  test('runs a chain of migrations in order', () => {
    const chain = [
      { from: 0, to: 1, migrate: (r: unknown) => ({ ...(r as object), a: 1 }) },
      { from: 1, to: 2, migrate: (r: unknown) => ({ ...(r as object), b: 2 }) },
    ];
    const r = migrateDocument({}, 0, chain, 2);
    assert.deepEqual(r, { ok: true, raw: { a: 1, b: 2 }, applied: 2 });
  });

  test('a gap in the chain or a throwing step becomes a migration problem', () => {
    const gap = migrateDocument({}, 0, [{ from: 1, to: 2, migrate: (r: unknown) => r }], 2);
    assert.ok(!gap.ok);
    assert.equal(gap.problems[0].code, 'migration');
    assert.match(gap.problems[0].message, /no migration from schema 0/);
    const boom = migrateDocument(
      {},
      0,
      [
        {
          from: 0,
          to: 1,
          migrate: () => {
            throw new Error('boom');
          },
        },
      ],
      1,
    );
    assert.ok(!boom.ok);
    assert.match(boom.problems[0].message, /could not be upgraded from schema 0 to 1: boom/);
  });
});

describe('node-type upgrades', () => {
  const calls: number[] = [];
  const lookup: NodeTypeLookup = (type) =>
    type === 'test.sampler'
      ? {
          version: 3,
          upgrade: (values, from) => {
            calls.push(from);
            const { cfg, ...rest } = values;
            return { ...rest, guidance: cfg };
          },
        }
      : type === 'test.decode'
        ? { version: 2 }
        : undefined;

  test('an older node gets upgrade applied and its version bumped', () => {
    calls.length = 0;
    const r = parseWorkflow(saveWorkflow(baseDocument()), { nodeTypes: lookup });
    assert.ok(r.ok);
    assert.equal(r.migrated, true);
    assert.deepEqual(calls, [2]);
    const sampler = r.doc.nodes.sampler;
    assert.equal(sampler.version, 3);
    assert.equal(sampler.values.guidance, 5.5);
    assert.ok(!('cfg' in sampler.values));
    assert.equal(r.doc.nodes.decode.version, 2, 'a type without upgrade still gets its version bumped');
    assert.equal(r.doc.nodes.prompt.version, 1, 'unknown types are left alone');
  });

  test('a node newer than its type is left for the validator', () => {
    const doc = baseDocument();
    doc.nodes.sampler.version = 9;
    const r = parseWorkflow(saveWorkflow(doc), {
      nodeTypes: (t) => (t === 'test.sampler' ? lookup(t) : undefined),
    });
    assert.ok(r.ok);
    assert.equal(r.migrated, false);
    assert.equal(r.doc.nodes.sampler.version, 9);
  });

  test('upgradeNodes does not modify the document it is given', () => {
    const doc = baseDocument();
    const out = upgradeNodes(doc, lookup);
    assert.deepEqual(doc, baseDocument());
    assert.deepEqual(out.upgraded.sort(), ['decode', 'sampler']);
  });

  test('a failing or invalid upgrade is a migration problem naming the node', () => {
    const throwing: NodeTypeLookup = () => ({
      version: 5,
      upgrade: () => {
        throw new Error('cfg missing');
      },
    });
    const r = parseWorkflow(saveWorkflow(baseDocument()), {
      nodeTypes: (t) => (t === 'test.sampler' ? throwing(t) : undefined),
    });
    assert.ok(!r.ok);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].node, 'sampler');
    assert.equal(r.problems[0].code, 'migration');
    assert.match(
      r.problems[0].message,
      /Node "sampler" \(test.sampler\) could not be upgraded from version 2 to 5: cfg missing/,
    );

    const invalid: NodeTypeLookup = (t) =>
      t === 'test.decode' ? { version: 2, upgrade: () => ({ speed: Infinity }) } : undefined;
    const r2 = parseWorkflow(saveWorkflow(baseDocument()), { nodeTypes: invalid });
    assert.ok(!r2.ok);
    assert.equal(r2.problems[0].code, 'migration');
    assert.equal(r2.problems[0].node, 'decode');
    assert.match(r2.problems[0].message, /After upgrading node types: Node "decode": input "speed"/);
  });
});
