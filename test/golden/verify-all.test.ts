/**
 * `wan-studio verify` over every reference case in shared/golden, as a user would run it:
 * every case is computed by the project's own code from the case's weights and inputs, and
 * must pass within its stated tolerance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR, REPO_ROOT } from '../helpers/paths';

test('every golden case passes `wan-studio verify`', () => {
  const cases = readdirSync(GOLDEN_DIR).filter((n) => statSync(join(GOLDEN_DIR, n)).isDirectory());
  assert.ok(cases.length >= 15, `expected the golden cases in ${GOLDEN_DIR}, found ${cases.length}`);
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'nodes/cli/bin.mjs'), 'verify', GOLDEN_DIR], {
    encoding: 'utf8',
    env: { ...process.env, WAN_STUDIO_VERIFY_CACHE: join(REPO_ROOT, 'test-output', 'verify-cache') },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  for (const name of cases) {
    const line = r.stdout.split('\n').find((l) => l.startsWith(name + ' '));
    assert.ok(line, `no report line for ${name}:\n${r.stdout}`);
    assert.match(line, /PASS$/, line);
  }
});
