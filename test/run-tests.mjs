#!/usr/bin/env node
// Runs every *.test.ts under the given folders (default: test/) with node's test runner + tsx.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) files.push(p);
  }
};
for (const r of roots.length ? roots : ['test']) {
  if (statSync(r).isFile()) files.push(r);
  else walk(r);
}
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...extra, ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
