/**
 * The shipped Wan templates: every template is valid against the real node registry (types,
 * inputs, edges, params) and re-saves byte-for-byte through load → save.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../helpers/paths';
import { createRegistry } from '../../../nodes/host/engine-factory';
import { validateWorkflow } from '../../../nodes/engine/validate';
import { saveWorkflow } from '../../../workflows/canonical';
import { parseWorkflow } from '../../../workflows/load';

const registry = createRegistry();
const files = readdirSync(TEMPLATES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the three Wan 2.2 templates are shipped', () => {
  for (const f of ['wan22-t2v-a14b.json', 'wan22-i2v-a14b.json', 'wan22-ti2v-5b.json'])
    assert.ok(files.includes(f), f);
});

for (const f of files) {
  test(`${f}: valid against the registry and byte-stable through load → save`, () => {
    const text = readFileSync(join(TEMPLATES_DIR, f), 'utf8');
    const r = parseWorkflow(text, { source: f, nodeTypes: (t) => registry.get(t) });
    assert.ok(r.ok, r.ok ? '' : r.problems.map((p) => p.message).join('; '));
    assert.deepEqual(
      validateWorkflow(r.doc, registry).map((p) => p.message),
      [],
    );
    const saved = saveWorkflow(r.doc);
    const again = parseWorkflow(saved);
    assert.ok(again.ok && saveWorkflow(again.doc) === saved, `${f}: saving is not stable`);
    // Templates are stored in canonical form: loading and saving gives the file back.
    assert.equal(saved, text, `${f} is not in canonical form`);
    assert.ok(r.doc.meta?.title && r.doc.meta.description, `${f} needs a title and description`);
  });
}

test('the Wan templates carry the official settings and the run parameters', () => {
  const load = (f: string) => {
    const r = parseWorkflow(readFileSync(join(TEMPLATES_DIR, f), 'utf8'));
    assert.ok(r.ok);
    return r.doc;
  };
  const t2v = load('wan22-t2v-a14b.json');
  assert.deepEqual(t2v.nodes.experts.values, {
    boundary: 0.875,
    guide_high: 4,
    guide_low: 3,
    release_idle: true,
  });
  assert.equal(t2v.nodes.scheduler.values.shift, 12);
  const i2v = load('wan22-i2v-a14b.json');
  assert.equal(i2v.nodes.experts.values.boundary, 0.9);
  assert.equal(i2v.nodes.scheduler.values.shift, 5);
  assert.ok(i2v.meta!.params!.image);
  const ti2v = load('wan22-ti2v-5b.json');
  assert.deepEqual(ti2v.nodes.latent.values, { width: 1280, height: 704, frames: 121 });
  assert.equal(ti2v.nodes.scheduler.values.steps, 50);
  assert.equal(ti2v.nodes.video.values.fps, 24);
  for (const doc of [t2v, i2v, ti2v]) {
    for (const p of ['prompt', 'negative', 'seed', 'width', 'height', 'frames', 'fps', 'steps']) {
      assert.ok(doc.meta!.params![p], `${doc.meta!.title}: param ${p}`);
    }
  }
});
