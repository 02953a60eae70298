// Element-wise comparison of an actual tensor with the expected one, with the golden-set rule
//   |actual − expected| ≤ max_abs + max_rel·|expected|   (numpy allclose, atol = max_abs, rtol = max_rel).
// NaN must sit at the same positions in both, infinities must match exactly, and 0/0 tolerances demand
// exact equality. Reported errors:
//   max abs error = max |a − e| over the finite elements;
//   max rel error = max |a − e| / max(|e|, 1e-12) over the elements with |e| ≥ max_abs (elements that
//   small are judged by the absolute term, so a relative figure there says nothing).

import type { Tolerance } from './manifest';
import type { ActualTensor } from './types';

export interface WorstElement {
  /** flat index */
  flat: number;
  /** multi-index in the expected shape */
  index: number[];
  actual: number;
  expected: number;
}

export interface CompareResult {
  pass: boolean;
  numel: number;
  maxAbs: number;
  maxRel: number;
  /** elements outside the tolerance (NaN/inf mismatches included) */
  mismatches: number;
  /** the element furthest outside the tolerance (or, when all pass, with the largest error) */
  worst?: WorstElement;
  /** why it failed, as a sentence (absent when it passed) */
  reason?: string;
}

export type Numeric = ArrayLike<number> | BigInt64Array;

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let r = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d];
    if (n > 0) {
      idx[d] = r % n;
      r = Math.floor(r / n);
    }
  }
  return idx;
}

const fmt = (x: number): string => (Number.isFinite(x) && x !== 0 ? x.toPrecision(4) : String(x));

/** Compares `actual` with `expected` (row-major, `shape` is the expected shape). */
export function compareTensors(
  actual: ActualTensor | Numeric,
  expected: Numeric,
  shape: readonly number[],
  tol: Tolerance,
): CompareResult {
  const numel = expected.length;
  if (actual.length !== numel) {
    return {
      pass: false,
      numel,
      maxAbs: Infinity,
      maxRel: Infinity,
      mismatches: numel,
      reason: `has ${actual.length} values but the expected tensor has shape [${shape.join(', ')}] (${numel} values).`,
    };
  }
  let maxAbs = 0;
  let maxRel = 0;
  let mismatches = 0;
  let worstFlat = -1;
  let worstExcess = -Infinity;
  let nanMismatch = -1;
  for (let i = 0; i < numel; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    const aNaN = Number.isNaN(a);
    const eNaN = Number.isNaN(e);
    if (aNaN || eNaN) {
      if (aNaN !== eNaN) {
        mismatches++;
        if (nanMismatch < 0) nanMismatch = i;
        if (worstExcess < Infinity) {
          worstExcess = Infinity;
          worstFlat = i;
        }
      }
      continue;
    }
    let err: number;
    let excess: number;
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      err = a === e ? 0 : Infinity;
      excess = err === 0 ? -Infinity : Infinity;
    } else {
      err = Math.abs(a - e);
      excess = err - (tol.max_abs + tol.max_rel * Math.abs(e));
    }
    if (excess > 0) mismatches++;
    if (Number.isFinite(e) && err > maxAbs) maxAbs = err;
    if (Number.isFinite(e) && Math.abs(e) >= tol.max_abs) {
      const rel = err / Math.max(Math.abs(e), 1e-12);
      if (rel > maxRel) maxRel = rel;
    }
    if (excess > worstExcess) {
      worstExcess = excess;
      worstFlat = i;
    }
  }
  const worst: WorstElement | undefined =
    worstFlat >= 0
      ? {
          flat: worstFlat,
          index: unravel(worstFlat, shape),
          actual: Number(actual[worstFlat]),
          expected: Number(expected[worstFlat]),
        }
      : undefined;
  if (mismatches === 0) return { pass: true, numel, maxAbs, maxRel, mismatches, ...(worst ? { worst } : {}) };
  let reason: string;
  if (nanMismatch >= 0) {
    const a = Number(actual[nanMismatch]);
    reason = `NaN positions differ: at [${unravel(nanMismatch, shape).join(', ')}] actual is ${fmt(a)}, expected ${fmt(Number(expected[nanMismatch]))} (${mismatches} of ${numel} elements outside tolerance).`;
  } else {
    const w = worst!;
    const exact = tol.max_abs === 0 && tol.max_rel === 0;
    reason = `${mismatches} of ${numel} elements ${exact ? 'differ (exact match required)' : 'outside tolerance'}; worst at [${w.index.join(', ')}]: actual ${fmt(w.actual)}, expected ${fmt(w.expected)}.`;
  }
  return { pass: false, numel, maxAbs, maxRel, mismatches, ...(worst ? { worst } : {}), reason };
}

/** max |x| over the finite elements (0 for an empty tensor). */
export function maxAbsValue(x: Numeric): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(Number(x[i]));
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m;
}

/**
 * Tolerance for an optional dbg_* tensor: the case's max_abs was set as k·max(1, max|main expected|);
 * the debug tensor gets k·max(1, max|its own expected|), and the same max_rel.
 */
export function debugTolerance(
  caseTol: Tolerance,
  mainMaxAbsExpected: number,
  debugMaxAbsExpected: number,
): Tolerance {
  const k = caseTol.max_abs / Math.max(1, mainMaxAbsExpected);
  return { max_abs: k * Math.max(1, debugMaxAbsExpected), max_rel: caseTol.max_rel };
}
