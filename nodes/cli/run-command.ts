/**
 * `wan-studio run <workflow.json|video> [--out DIR] [--set NODE.INPUT=VALUE]... [--param NAME=VALUE]...
 *  [--output NODE]... [--json] [--models DIR]... [--ep cpu|webgpu|cuda] [--threads N] [--no-disk-cache]`
 */
import { dirname, resolve } from 'node:path';
import { applyOverrides } from '../../workflows/overrides';
import { WorkflowError, type WorkflowProblem } from '../../workflows/problems';
import type { Engine } from '../engine/engine';
import type { RunResult } from '../engine/run-result';
import { createEngine } from '../host/engine-factory';
import { loadWorkflowFile } from '../host/load-workflow-file';
import { defaultSettings, ExecutionProvider, type Settings } from '../host/settings';
import { flag, flagInt, flagList, parseArgs, UsageError } from './args';
import type { CliIO } from './io';
import { createProgressPrinter } from './progress';

export const EXIT = { ok: 0, invalid: 1, runtime: 2, cancelled: 130 } as const;

const RUN_FLAGS = {
  out: { value: true },
  set: { value: true, repeat: true },
  param: { value: true, repeat: true },
  output: { value: true, repeat: true },
  json: {},
  models: { value: true, repeat: true },
  ep: { value: true },
  threads: { value: true },
  'no-disk-cache': {},
} as const;

/** Engines are kept per settings so two runs in one process share the result cache. */
const engines = new Map<string, Engine>();

function engineFor(settings: Settings): Engine {
  const key = JSON.stringify(settings);
  let engine = engines.get(key);
  if (!engine) {
    engine = createEngine(settings);
    engines.set(key, engine);
  }
  return engine;
}

export function settingsFromFlags(args: ReturnType<typeof parseArgs>, cwd: string): Settings {
  const s = defaultSettings(cwd);
  const out = flag(args, 'out');
  if (out !== undefined) s.outputDir = resolve(cwd, out);
  const models = flagList(args, 'models');
  if (models.length > 0) s.modelDirs = models.map((m) => resolve(cwd, m));
  const ep = flag(args, 'ep');
  if (ep !== undefined) {
    const parsed = ExecutionProvider.safeParse(ep);
    if (!parsed.success) throw new UsageError(`--ep must be one of cpu, webgpu, cuda (got "${ep}")`);
    s.executionProvider = parsed.data;
  }
  const threads = flagInt(args, 'threads', 0, 256);
  if (threads !== undefined) s.threads = threads;
  if (args.flags.has('no-disk-cache')) s.diskCacheBytes = 0;
  return s;
}

function printProblems(io: CliIO, problems: WorkflowProblem[]): void {
  for (const p of problems) io.err(`error: ${p.message}`);
}

type JsonResult = {
  ok: boolean;
  outputs: Array<{ node: string; path: string }>;
  nodes: Record<string, { status: 'ran' | 'cached'; ms: number }>;
  error?: { code: string; message: string; node?: string; problems?: WorkflowProblem[] };
};

function invalidResult(message: string, problems: WorkflowProblem[] = []): JsonResult {
  return { ok: false, outputs: [], nodes: {}, error: { code: 'invalid', message, problems } };
}

function toJson(r: RunResult): JsonResult {
  const out: JsonResult = {
    ok: r.ok,
    outputs: r.outputs.map((o) => ({ node: o.node, path: o.path })),
    nodes: r.nodes,
  };
  if (r.error) {
    out.error = { ...r.error, ...(r.problems ? { problems: r.problems } : {}) };
  }
  return out;
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, RUN_FLAGS);
  const json = args.flags.has('json');
  const file = args.positional[0];
  if (args.positional.length !== 1 || file === undefined)
    throw new UsageError('run takes exactly one workflow file (a .json, or a video made by Video Out)');
  const settings = settingsFromFlags(args, io.cwd);
  const engine = engineFor(settings);
  const path = resolve(io.cwd, file);

  const fail = (message: string, problems: WorkflowProblem[] = []): number => {
    if (json) io.out(JSON.stringify(invalidResult(message, problems)));
    else if (problems.length > 0) printProblems(io, problems);
    else io.err(`error: ${message}`);
    return EXIT.invalid;
  };

  const loaded = await loadWorkflowFile(path, engine.registry);
  if (!loaded.ok) return fail(`${file} is not a usable workflow`, loaded.problems);

  let doc = loaded.doc;
  try {
    doc = applyOverrides(
      doc,
      { set: flagList(args, 'set'), params: flagList(args, 'param') },
      (type, input) => engine.registry.get(type)?.inputs[input],
    );
  } catch (e) {
    if (e instanceof WorkflowError) return fail(e.message, e.problems);
    throw e;
  }

  const outputs = flagList(args, 'output');
  const problems = engine.validate(doc, outputs.length > 0 ? { outputs } : undefined);
  if (problems.length > 0) return fail(`${file} has ${problems.length} problem(s)`, problems);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.err('\ncancelling… (Ctrl-C again to quit at once)');
      controller.abort();
    } else {
      process.exit(EXIT.cancelled);
    }
  };
  process.on('SIGINT', onSigint);
  const titleOf = (id: string) => {
    const n = doc.nodes[id];
    return n?.title ?? engine.registry.get(n?.type ?? '')?.title ?? id;
  };
  const printer = json ? undefined : createProgressPrinter(io.progress, titleOf);
  let result: RunResult;
  try {
    result = await engine.run(doc, {
      ...(outputs.length > 0 ? { outputs } : {}),
      signal: controller.signal,
      baseDir: loaded.fromVideo ? io.cwd : dirname(path),
      ...(printer ? { onEvent: printer } : {}),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }

  if (json) io.out(JSON.stringify(toJson(result)));
  else if (result.ok) {
    for (const o of result.outputs) io.out(o.path);
  } else if (result.error) {
    if (result.problems) printProblems(io, result.problems);
    else if (result.error.code !== 'cancelled') io.err(`error: ${result.error.message}`);
  }
  if (result.ok) return EXIT.ok;
  if (result.error?.code === 'cancelled') return EXIT.cancelled;
  if (result.error?.code === 'invalid') return EXIT.invalid;
  return EXIT.runtime;
}
