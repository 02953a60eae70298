import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import { verifyCommand } from '../../../nodes/runtime/verify/command';
import { registerRunner } from '../../../nodes/runtime/verify/registry';
import type { ActualTensor, CaseContext, CaseRunner } from '../../../nodes/runtime/verify/types';
import { formatReport, verifyCases } from '../../../nodes/runtime/verify/verify';

let root: string;
const X = new Float32Array([1, 2, 3, 4]);
const OUT = new Float32Array([2, -4, 6, 8]);
const DBG = new Float32Array([100, -200, 50, 0]);
const STEPS = new BigInt64Array([999n, 500n]);
const CORR = new Float32Array([NaN, NaN, 1.5, 2.5]);

async function makeCase(
  name: string,
  kind: string,
  extra: { badManifest?: boolean; config?: unknown } = {},
): Promise<string> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  await writeSafetensors(join(dir, 'io.safetensors'), {
    x: { dtype: 'F32', shape: [2, 2], data: X },
    out: { dtype: 'F32', shape: [2, 2], data: OUT },
    steps: { dtype: 'I64', shape: [2], data: STEPS },
    corrected: { dtype: 'F32', shape: [2, 2], data: CORR },
    dbg_inner: { dtype: 'F32', shape: [4], data: DBG },
  });
  const manifest = extra.badManifest
    ? { case: name, kind }
    : {
        case: name,
        kind,
        inputs: { x: 'input' },
        outputs: { out: 'main', steps: 'ints', corrected: 'NaN at step 0', dbg_inner: 'debug' },
        tolerance: { max_abs: 8e-4, max_rel: 1e-4 },
        tolerance_per_output: { steps: { max_abs: 0, max_rel: 0 } },
      };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  if (extra.config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(extra.config));
  return dir;
}

/** A runner computing out = 2x·sign from the inputs, with knobs for the failure modes. */
function fakeRunner(
  opts: {
    outDelta?: number;
    dropOut?: boolean;
    dbgDelta?: number;
    corrected?: Float32Array;
    steps?: BigInt64Array;
    shortOut?: boolean;
  } = {},
): CaseRunner {
  return async (ctx: CaseContext) => {
    const x = await ctx.io.readF32('x');
    const out = new Float32Array(opts.shortOut ? 3 : 4);
    for (let i = 0; i < out.length; i++)
      out[i] = (i === 1 ? -2 : 2) * x[i] + (i === 2 ? (opts.outDelta ?? 0) : 0);
    const m = new Map<string, ActualTensor>();
    if (!opts.dropOut) m.set('out', out);
    m.set('steps', opts.steps ?? new BigInt64Array([999n, 500n]));
    m.set('corrected', opts.corrected ?? new Float32Array([NaN, NaN, 1.5, 2.5]));
    if (opts.dbgDelta !== undefined)
      m.set(
        'dbg_inner',
        DBG.map((v, i) => (i === 0 ? v + opts.dbgDelta! : v)),
      );
    return m;
  };
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'wan-verify-'));
  await makeCase('good', 'fake');
  await makeCase('second', 'fake');
});
after(() => rmSync(root, { recursive: true, force: true }));

const runOne = async (runner: CaseRunner, dir = join(root, 'good')) =>
  (await verifyCases([dir], { runners: { fake: runner } }))[0];

describe('verifyCases with a fake runner', () => {
  test('pass: every output within tolerance, dbg compared when returned', async () => {
    const r = await runOne(fakeRunner({ outDelta: 5e-4, dbgDelta: 5e-3 }));
    assert.equal(r.pass, true, JSON.stringify(r));
    assert.equal(r.name, 'good');
    assert.equal(r.kind, 'fake');
    assert.ok(Math.abs(r.maxAbs - 5e-4) < 1e-6);
    const dbg = r.outputs.find((o) => o.name === 'dbg_inner')!;
    assert.equal(dbg.compared, true);
    assert.ok(dbg.tolerance.max_abs > 1e-2); // scaled to |dbg| = 200 (main max |e| = 8)
  });
  test('fail: an output outside tolerance, with the worst element', async () => {
    const r = await runOne(fakeRunner({ outDelta: 2e-3 }));
    assert.equal(r.pass, false);
    const out = r.outputs.find((o) => o.name === 'out')!;
    assert.equal(out.pass, false);
    assert.deepEqual(out.worst?.index, [1, 0]);
    assert.match(out.reason!, /1 of 4 elements outside tolerance/);
  });
  test('a debug tensor beyond its scaled tolerance fails; an omitted one is skipped', async () => {
    assert.equal((await runOne(fakeRunner({ dbgDelta: 1 }))).pass, false);
    const r = await runOne(fakeRunner());
    assert.equal(r.pass, true);
    const dbg = r.outputs.find((o) => o.name === 'dbg_inner')!;
    assert.equal(dbg.compared, false);
    assert.equal(dbg.pass, true);
  });
  test('a runner that throws becomes a FAIL with its message', async () => {
    const r = await runOne(async () => {
      await Promise.resolve();
      throw new Error('weights.safetensors: tensor "x" is missing');
    });
    assert.equal(r.pass, false);
    assert.match(r.error!, /runner failed: weights.safetensors: tensor "x" is missing/);
  });
  test('a missing main output is a FAIL', async () => {
    const r = await runOne(fakeRunner({ dropOut: true }));
    assert.equal(r.pass, false);
    const out = r.outputs.find((o) => o.name === 'out')!;
    assert.equal(out.compared, false);
    assert.match(out.reason!, /not returned by the runner/);
  });
  test('NaN positions: matching passes, differing fails', async () => {
    assert.equal(
      (await runOne(fakeRunner({ corrected: new Float32Array([NaN, NaN, 1.5, 2.5]) }))).pass,
      true,
    );
    const r = await runOne(fakeRunner({ corrected: new Float32Array([0, NaN, 1.5, 2.5]) }));
    assert.equal(r.pass, false);
    assert.match(r.outputs.find((o) => o.name === 'corrected')!.reason!, /NaN positions differ/);
  });
  test('exact per-output tolerance for integers', async () => {
    const r = await runOne(fakeRunner({ steps: new BigInt64Array([999n, 501n]) }));
    assert.equal(r.pass, false);
    assert.equal(r.outputs.find((o) => o.name === 'steps')!.tolerance.max_abs, 0);
  });
  test('wrong length is a FAIL, not a crash', async () => {
    const r = await runOne(fakeRunner({ shortOut: true }));
    assert.equal(r.pass, false);
    assert.match(r.outputs.find((o) => o.name === 'out')!.reason!, /has 3 values/);
  });
  test('the runner gets the manifest, io file and config.json', async () => {
    const dir = await makeCase('withcfg', 'fake', { config: { dim: 64 } });
    let seen: CaseContext | undefined;
    const r = await runOne(async (ctx) => {
      seen = ctx;
      return fakeRunner()(ctx);
    }, dir);
    assert.equal(r.pass, true);
    assert.deepEqual(seen?.config, { dim: 64 });
    assert.equal(seen?.manifest.case, 'withcfg');
    assert.equal(seen?.dir, dir);
  });
});

describe('case discovery and bad cases', () => {
  test('a parent folder expands to its cases; filter selects by name', async () => {
    const all = await verifyCases([root], { runners: { fake: fakeRunner() } });
    assert.ok(all.length >= 2);
    assert.ok(all.some((r) => r.name === 'second'));
    const some = await verifyCases([root], { runners: { fake: fakeRunner() }, filter: /^sec/ });
    assert.deepEqual(
      some.map((r) => r.name),
      ['second'],
    );
  });
  test('no runner for a kind, bad manifest, missing folder: FAIL reports', async () => {
    const noRunner = await makeCase('kindless', 'nosuchkind');
    const bad = await makeCase('badmanifest', 'fake', { badManifest: true });
    const reports = await verifyCases([noRunner, bad, join(root, 'absent')]);
    assert.equal(reports.length, 3);
    assert.ok(reports.every((r) => !r.pass));
    assert.match(reports.find((r) => r.name === 'absent')!.error!, /no such folder/);
    assert.match(reports.find((r) => r.name === 'kindless')!.error!, /no runner for kind "nosuchkind"/);
    assert.match(reports.find((r) => r.name === 'badmanifest')!.error!, /invalid case manifest: .*tolerance/);
  });
  test('formatReport: one line per case with errors, tolerance and PASS/FAIL', async () => {
    const ok = await runOne(fakeRunner({ outDelta: 5e-4 }));
    const bad = await runOne(fakeRunner({ outDelta: 1 }));
    const text = formatReport([ok, { ...bad, name: 'bad' }], false);
    const lines = text.split('\n');
    assert.match(
      lines.find((l) => l.startsWith('good'))!,
      /^good\s+5\.\d\de-4\s+\S+\s+abs 8\.00e-4 rel 1\.00e-4\s+PASS$/,
    );
    assert.match(
      lines.find((l) => l.startsWith('bad'))!,
      /FAIL$/,
    );
    assert.match(text, /out .* FAIL/);
    assert.match(lines.at(-1)!, /1 of 2 cases passed/);
    assert.match(formatReport([ok], true), /dbg_inner .* skip/);
  });
});

describe('verifyCommand', () => {
  test('exit codes: 0 all pass, 1 any fail, 1 bad arguments, 0 help', async () => {
    const lines: string[] = [];
    const out = (s: string): void => void lines.push(s);
    registerRunner('fake', fakeRunner());
    try {
      assert.equal(await verifyCommand([join(root, 'good'), join(root, 'second')], out), 0);
      assert.match(lines.join('\n'), /2 of 2 cases passed/);
      assert.equal(await verifyCommand([join(root, 'good'), '--filter=^good$', '--json'], out), 0);
      assert.equal((JSON.parse(lines.at(-1)!) as { ok: boolean }).ok, true);
      registerRunner('fake', fakeRunner({ outDelta: 1 }));
      assert.equal(await verifyCommand([join(root, 'good')], out), 1);
      assert.equal(await verifyCommand([], out), 1);
      assert.match(lines.at(-1)!, /give at least one case folder/);
      assert.equal(await verifyCommand([root, '--bogus'], out), 1);
      assert.equal(await verifyCommand([root, '--filter=('], out), 1);
      assert.equal(await verifyCommand([root, '--filter=^zzz'], out), 1);
      assert.equal(await verifyCommand(['--help'], out), 0);
    } finally {
      registerRunner('fake', undefined);
    }
  });
});
