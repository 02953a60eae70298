// Runs golden cases: for each case folder read manifest.json, io.safetensors and config.json, run the
// runner for the manifest's kind, and compare every expected output the runner returned.

import { existsSync, statSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { SafetensorsFile } from '../safetensors/reader';
import { compareTensors, debugTolerance, maxAbsValue } from './compare';
import type { WorstElement } from './compare';
import { isDebugOutput, readManifest, toleranceFor } from './manifest';
import type { CaseManifest, Tolerance } from './manifest';
import { getRunner } from './registry';
import type { ActualTensor, CaseRunner } from './types';

export interface OutputReport {
  name: string;
  /** dbg_* tensors: optional, compared only when returned */
  debug: boolean;
  /** false when the runner did not return it (a FAIL for main outputs, a skip for dbg_*) */
  compared: boolean;
  pass: boolean;
  maxAbs: number;
  maxRel: number;
  tolerance: Tolerance;
  numel: number;
  mismatches: number;
  worst?: WorstElement;
  reason?: string;
}

export interface CaseReport {
  /** the manifest's case name (the folder name when the manifest is unreadable) */
  name: string;
  dir: string;
  kind: string;
  pass: boolean;
  /** largest errors over the compared main outputs (dbg_* excluded) */
  maxAbs: number;
  maxRel: number;
  /** the case tolerance from the manifest (per-output values are in `outputs`) */
  tolerance?: Tolerance;
  outputs: OutputReport[];
  /** why the case could not be run (bad manifest, no runner, runner threw, …) */
  error?: string;
  seconds: number;
}

export interface VerifyOptions {
  verbose?: boolean;
  /** only cases whose name matches */
  filter?: RegExp;
  /** runners by kind that take precedence over the registry (tests) */
  runners?: Partial<Record<string, CaseRunner>>;
  /** called after each case */
  onReport?: (r: CaseReport) => void;
}

/** Case folders under the given paths: a folder with manifest.json is a case; otherwise its sub-folders that are. */
export async function expandCaseDirs(
  dirs: readonly string[],
): Promise<{ cases: string[]; problems: CaseReport[] }> {
  const cases: string[] = [];
  const problems: CaseReport[] = [];
  const bad = (dir: string, error: string): void => {
    problems.push({
      name: basename(dir) || dir,
      dir,
      kind: '?',
      pass: false,
      maxAbs: NaN,
      maxRel: NaN,
      outputs: [],
      error,
      seconds: 0,
    });
  };
  for (const d of dirs) {
    const dir = resolve(d);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      bad(dir, `${dir}: no such folder.`);
      continue;
    }
    if (existsSync(join(dir, 'manifest.json'))) {
      cases.push(dir);
      continue;
    }
    const subs = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'manifest.json')))
      .map((e) => join(dir, e.name))
      .sort();
    if (subs.length === 0) bad(dir, `${dir}: no case here (no manifest.json in it or in its sub-folders).`);
    cases.push(...subs);
  }
  return { cases: [...new Set(cases)], problems };
}

async function expectedOf(io: SafetensorsFile, name: string): Promise<Float64Array> {
  return io.readF64(name);
}

async function compareOutputs(
  manifest: CaseManifest,
  io: SafetensorsFile,
  actual: Map<string, ActualTensor>,
): Promise<OutputReport[]> {
  const names = Object.keys(manifest.outputs);
  const main = names.filter((n) => !isDebugOutput(n));
  const debug = names.filter((n) => isDebugOutput(n));
  const reports: OutputReport[] = [];
  // The case max_abs was derived from the magnitude of the main outputs that use it (those without
  // their own tolerance_per_output entry); debug tensors rescale it to their own magnitude.
  const own = manifest.tolerance_per_output ?? {};
  const shared = main.filter((n) => !(n in own));
  const scaleSources = shared.length > 0 ? shared : main;
  let mainMaxExpected = 0;

  const one = async (
    name: string,
    isDebug: boolean,
    tolOverride?: (e: Float64Array) => Tolerance,
  ): Promise<void> => {
    const baseTol = toleranceFor(manifest, name);
    const got = actual.get(name);
    if (!io.has(name)) {
      reports.push({
        name,
        debug: isDebug,
        compared: false,
        pass: false,
        maxAbs: NaN,
        maxRel: NaN,
        tolerance: baseTol,
        numel: 0,
        mismatches: 0,
        reason: `listed in manifest.json but absent from ${io.path}.`,
      });
      return;
    }
    const info = io.info(name);
    const numel = info.shape.reduce((a, b) => a * b, 1);
    if (!got) {
      reports.push({
        name,
        debug: isDebug,
        compared: false,
        pass: isDebug,
        maxAbs: NaN,
        maxRel: NaN,
        tolerance: baseTol,
        numel,
        mismatches: 0,
        ...(isDebug ? {} : { reason: 'not returned by the runner.' }),
      });
      return;
    }
    const expected = await expectedOf(io, name);
    if (scaleSources.includes(name)) mainMaxExpected = Math.max(mainMaxExpected, maxAbsValue(expected));
    const tol = tolOverride ? tolOverride(expected) : baseTol;
    const r = compareTensors(got, expected, info.shape, tol);
    reports.push({
      name,
      debug: isDebug,
      compared: true,
      pass: r.pass,
      maxAbs: r.maxAbs,
      maxRel: r.maxRel,
      tolerance: tol,
      numel,
      mismatches: r.mismatches,
      ...(r.worst ? { worst: r.worst } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    });
  };

  for (const n of main) await one(n, false);
  for (const n of debug) {
    if (!actual.has(n)) {
      await one(n, true);
      continue;
    }
    // The main outputs' magnitude is needed for scaling even when the runner skipped them.
    if (mainMaxExpected === 0) {
      for (const m of scaleSources)
        if (io.has(m)) mainMaxExpected = Math.max(mainMaxExpected, maxAbsValue(await expectedOf(io, m)));
    }
    const caseTol = toleranceFor(manifest, n);
    await one(n, true, (e) => debugTolerance(caseTol, mainMaxExpected, maxAbsValue(e)));
  }
  return reports;
}

function failReport(
  name: string,
  dir: string,
  kind: string,
  error: string,
  t0: number,
  tolerance?: Tolerance,
): CaseReport {
  return {
    name,
    dir,
    kind,
    pass: false,
    maxAbs: NaN,
    maxRel: NaN,
    ...(tolerance ? { tolerance } : {}),
    outputs: [],
    error,
    seconds: (performance.now() - t0) / 1000,
  };
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs one case folder. Never throws: every problem becomes a failing report. */
export async function verifyCase(dir: string, opts: VerifyOptions = {}): Promise<CaseReport> {
  const t0 = performance.now();
  let manifest: CaseManifest;
  try {
    manifest = await readManifest(join(dir, 'manifest.json'));
  } catch (e) {
    return failReport(basename(dir), dir, '?', message(e), t0);
  }
  const { case: name, kind, tolerance } = manifest;
  let io: SafetensorsFile;
  try {
    io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
  } catch (e) {
    return failReport(name, dir, kind, message(e), t0, tolerance);
  }
  try {
    let config: unknown;
    const cfgPath = join(dir, 'config.json');
    if (existsSync(cfgPath)) {
      try {
        config = JSON.parse(await readFile(cfgPath, 'utf8'));
      } catch (e) {
        return failReport(name, dir, kind, `${cfgPath}: cannot read config: ${message(e)}`, t0, tolerance);
      }
    }
    let runner: CaseRunner;
    try {
      runner = opts.runners?.[kind] ?? (await getRunner(kind));
    } catch (e) {
      return failReport(name, dir, kind, message(e), t0, tolerance);
    }
    let actual: Map<string, ActualTensor>;
    try {
      actual = await runner({ dir, manifest, io, ...(config !== undefined ? { config } : {}) });
      if (!(actual instanceof Map)) throw new Error('the runner did not return a Map of tensors');
    } catch (e) {
      return failReport(name, dir, kind, `runner failed: ${message(e)}`, t0, tolerance);
    }
    const outputs = await compareOutputs(manifest, io, actual);
    const main = outputs.filter((o) => !o.debug && o.compared);
    const maxOf = (f: (o: OutputReport) => number): number => (main.length ? Math.max(...main.map(f)) : NaN);
    return {
      name,
      dir,
      kind,
      pass: outputs.every((o) => o.pass),
      maxAbs: maxOf((o) => o.maxAbs),
      maxRel: maxOf((o) => o.maxRel),
      tolerance,
      outputs,
      seconds: (performance.now() - t0) / 1000,
    };
  } catch (e) {
    return failReport(name, dir, kind, message(e), t0, tolerance);
  } finally {
    await io.close().catch(() => undefined);
  }
}

/** Runs every case under `dirs` (case folders, or parents of case folders), in order. */
export async function verifyCases(dirs: string[], opts: VerifyOptions = {}): Promise<CaseReport[]> {
  const { cases, problems } = await expandCaseDirs(dirs);
  const reports: CaseReport[] = [...problems];
  for (const r of problems) opts.onReport?.(r);
  for (const dir of cases) {
    if (opts.filter) {
      // filter on the case name (folder name as a stand-in before the manifest is read)
      let name = basename(dir);
      try {
        name =
          (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { case?: string }).case ?? name;
      } catch {
        /* verifyCase reports it */
      }
      opts.filter.lastIndex = 0;
      if (!opts.filter.test(name)) continue;
    }
    const r = await verifyCase(dir, opts);
    reports.push(r);
    opts.onReport?.(r);
  }
  return reports;
}

export { formatReport, formatNumber } from './report';
