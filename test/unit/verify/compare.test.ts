import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compareTensors, debugTolerance } from '../../../nodes/runtime/verify/compare';
import { parseManifest, readManifest } from '../../../nodes/runtime/verify/manifest';
import { GOLDEN_DIR } from '../../helpers/paths';

const tol = { max_abs: 1e-4, max_rel: 1e-3 };

describe('compareTensors', () => {
  test('allclose rule |a−e| ≤ max_abs + max_rel·|e|', () => {
    const e = new Float32Array([0, 10, -100]);
    // allowed errors: 1e-4, 1e-4 + 1e-2, 1e-4 + 1e-1
    assert.equal(compareTensors(new Float32Array([0.00009, 10.01, -100.1]), e, [3], tol).pass, true);
    const r = compareTensors(new Float32Array([0.0002, 10, -100]), e, [3], tol);
    assert.equal(r.pass, false);
    assert.equal(r.mismatches, 1);
    assert.deepEqual(r.worst?.index, [0]);
    assert.match(r.reason!, /1 of 3 elements outside tolerance; worst at \[0\]/);
  });
  test('max abs and max rel errors (rel only where |e| ≥ max_abs)', () => {
    const r = compareTensors(new Float64Array([0.00005, 10.01, 1]), new Float64Array([0, 10, 1]), [3], tol);
    assert.ok(Math.abs(r.maxAbs - 0.01) < 1e-12);
    assert.ok(Math.abs(r.maxRel - 0.001) < 1e-12); // the 0 element is not counted in rel
  });
  test('0/0 tolerance means exact; integer tensors compare by value', () => {
    const exact = { max_abs: 0, max_rel: 0 };
    assert.equal(
      compareTensors(new BigInt64Array([999n, 5n]), new Float64Array([999, 5]), [2], exact).pass,
      true,
    );
    const r = compareTensors(new Int32Array([1, 2]), new BigInt64Array([1n, 3n]), [2], exact);
    assert.equal(r.pass, false);
    assert.match(r.reason!, /exact match required/);
  });
  test('NaN positions must match', () => {
    const e = new Float32Array([NaN, 1, 2, NaN]);
    assert.equal(compareTensors(new Float32Array([NaN, 1, 2, NaN]), e, [2, 2], tol).pass, true);
    const wrongSide = compareTensors(new Float32Array([0, 1, 2, NaN]), e, [2, 2], tol);
    assert.equal(wrongSide.pass, false);
    assert.match(wrongSide.reason!, /NaN positions differ: at \[0, 0\]/);
    const extraNaN = compareTensors(new Float32Array([NaN, NaN, 2, NaN]), e, [2, 2], tol);
    assert.equal(extraNaN.pass, false);
    assert.match(extraNaN.reason!, /at \[0, 1\] actual is NaN, expected 1/);
  });
  test('infinities must match exactly', () => {
    assert.equal(
      compareTensors(new Float32Array([Infinity]), new Float32Array([Infinity]), [1], tol).pass,
      true,
    );
    assert.equal(
      compareTensors(new Float32Array([-Infinity]), new Float32Array([Infinity]), [1], tol).pass,
      false,
    );
    assert.equal(
      compareTensors(new Float32Array([Infinity]), new Float32Array([1e30]), [1], tol).pass,
      false,
    );
  });
  test('length mismatch is a failure with a reason', () => {
    const r = compareTensors(new Float32Array(5), new Float32Array(6), [2, 3], tol);
    assert.equal(r.pass, false);
    assert.match(r.reason!, /has 5 values but the expected tensor has shape \[2, 3\] \(6 values\)/);
  });
  test('multi-index of the worst element', () => {
    const e = new Float32Array(24);
    const a = new Float32Array(24);
    a[1 * 12 + 2 * 4 + 3] = 1;
    assert.deepEqual(compareTensors(a, e, [2, 3, 4], tol).worst?.index, [1, 2, 3]);
  });
});

describe('debugTolerance', () => {
  test('scales max_abs from the main outputs to the debug tensor magnitude', () => {
    const t = debugTolerance({ max_abs: 4e-4, max_rel: 1e-4 }, 4, 100);
    assert.ok(Math.abs(t.max_abs - 1e-2) < 1e-15);
    assert.equal(t.max_rel, 1e-4);
    assert.ok(Math.abs(debugTolerance({ max_abs: 4e-4, max_rel: 1e-4 }, 4, 0.5).max_abs - 1e-4) < 1e-15); // floor of 1
  });
});

describe('manifest schema', () => {
  test('every golden manifest parses; a broken one is refused with the field named', async () => {
    if (existsSync(GOLDEN_DIR)) {
      const cases = readdirSync(GOLDEN_DIR).filter((d) => existsSync(join(GOLDEN_DIR, d, 'manifest.json')));
      assert.ok(cases.length >= 15);
      for (const c of cases) {
        const m = await readManifest(join(GOLDEN_DIR, c, 'manifest.json'));
        assert.equal(m.case, c);
        assert.ok(Object.keys(m.outputs).length > 0);
      }
    }
    assert.throws(
      () =>
        parseManifest('m.json', {
          case: 'x',
          kind: 'dit',
          inputs: {},
          outputs: {},
          tolerance: { max_abs: -1, max_rel: 0 },
        }),
      /m\.json: invalid case manifest: tolerance\.max_abs/,
    );
  });
});
