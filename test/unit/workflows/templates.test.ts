import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveWorkflow } from '../../../workflows/canonical';
import { parseWorkflow } from '../../../workflows/load';

const DIR = fileURLToPath(new URL('../../../workflows/templates', import.meta.url));
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

test(
  'every template reads, and re-saves byte-stably',
  { skip: files.length === 0 ? 'no templates in workflows/templates yet' : false },
  () => {
    for (const f of files) {
      const r = parseWorkflow(readFileSync(join(DIR, f)), { source: f });
      assert.ok(r.ok, `${f}: ${r.ok ? '' : r.problems.map((p) => p.message).join('; ')}`);
      const saved = saveWorkflow(r.doc);
      const again = parseWorkflow(saved);
      assert.ok(again.ok && saveWorkflow(again.doc) === saved, `${f}: saving is not stable`);
    }
  },
);
