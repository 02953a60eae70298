/**
 * One run of a validated plan:
 *  1. sign every planned node (reading FILE identities; a missing file stops the run here);
 *  2. walk backwards from the outputs: a node whose signature is cached (memory, then disk for
 *     `persist` nodes) is reused and its inputs are not needed; otherwise it will run;
 *  3. walk forwards in plan order, executing what must run, storing each result at once.
 */
import type { AnyNodeDef, FileFolder, Logger, ModelPool } from '../sdk/define';
import type { Artifact } from '../sdk/values';
import type { WorkflowProblem } from '../../workflows/problems';
import { artifactsExist, isCachedResult, type CachedResult } from './cached-result';
import type { DiskCache } from './disk-cache';
import { CancelledError, MissingFileError, NodeExecutionError, errorMessage } from './errors';
import type { EngineEvent } from './events';
import { NodeContext, RunTempDirs, type RunContextShared } from './exec-context';
import { resolveFile } from './file-resolve';
import type { Graph, GraphNode } from './graph';
import type { Plan } from './plan';
import type { ResultCache } from './result-cache';
import type { NodeRunStatus, RunError, RunOutput, RunResult } from './run-result';
import { signNode, type SignedNode } from './signature';
import { sizeOfValue } from './size-of-value';

export interface RunLoopDeps {
  runId: string;
  graph: Graph;
  plan: Plan;
  memory: ResultCache<CachedResult>;
  disk: DiskCache | undefined;
  folders: Partial<Record<FileFolder, readonly string[]>>;
  baseDir: string;
  tempRoot: string;
  outputDir: () => string;
  models: ModelPool;
  settings: Readonly<Record<string, unknown>>;
  logger: Logger;
  workflowJson: () => string;
  signal: AbortSignal;
  emit: (e: EngineEvent) => void;
}

type Stop = { error: RunError; problems?: WorkflowProblem[] };

export async function runPlan(d: RunLoopDeps): Promise<RunResult> {
  const { runId, graph, plan, emit } = d;
  const nodes: Record<string, NodeRunStatus> = {};
  const results = new Map<string, CachedResult>();
  const temp = new RunTempDirs(d.tempRoot, runId);
  const diskWrites: Promise<unknown>[] = [];
  let stop: Stop | undefined;

  const finish = async (): Promise<RunResult> => {
    await Promise.allSettled(diskWrites);
    await temp
      .removeAll()
      .catch((err: unknown) => d.logger.warn(`Could not remove ${temp.root}: ${errorMessage(err)}`));
    const outputs: RunOutput[] = [];
    for (const id of plan.outputs) {
      for (const a of results.get(id)?.artifacts ?? [])
        outputs.push({ node: id, path: a.path, kind: a.kind, mime: a.mime });
    }
    const result: RunResult = { ok: !stop, runId, outputs, nodes };
    if (stop) {
      result.error = stop.error;
      if (stop.problems) result.problems = stop.problems;
    }
    if (!stop) emit({ type: 'run_done', runId, result });
    else if (stop.error.code === 'cancelled') emit({ type: 'run_cancelled', runId, result });
    else emit({ type: 'run_error', runId, error: stop.error, result });
    return result;
  };
  const cancelled = (): Stop => ({ error: { code: 'cancelled', message: 'The run was cancelled.' } });

  // 1. Signatures.
  const signed = new Map<string, SignedNode>();
  const signatures = new Map<string, string>();
  const signCtx = { folders: d.folders, baseDir: d.baseDir, signatures, runId };
  try {
    for (const id of plan.order) {
      const s = signNode(graph.nodes.get(id)!, signCtx);
      signed.set(id, s);
      signatures.set(id, s.signature);
    }
  } catch (err) {
    if (!(err instanceof MissingFileError)) throw err;
    const problem: WorkflowProblem = {
      code: 'missing_input',
      message: err.message,
      node: err.nodeId,
      input: err.input,
      path: ['nodes', err.nodeId, 'values', err.input],
    };
    stop = { error: { code: 'invalid', message: err.message, node: err.nodeId }, problems: [problem] };
    return finish();
  }

  emit({ type: 'run_start', runId, order: [...plan.order] });

  // 2. What must run.
  const lookupMemory = (g: GraphNode, sig: string): CachedResult | undefined => {
    if (g.def!.volatile) return undefined;
    const mem = d.memory.get(sig);
    if (mem && !artifactsExist(mem)) {
      d.memory.delete(sig);
      return undefined;
    }
    return mem;
  };
  const lookupDisk = async (g: GraphNode, sig: string): Promise<CachedResult | undefined> => {
    if (!d.disk || !g.def!.persist || g.def!.volatile) return undefined;
    let got: { value: unknown } | undefined;
    try {
      got = await d.disk.get(sig);
    } catch (err) {
      d.logger.warn(`Disk cache read failed for node "${g.id}": ${errorMessage(err)}`);
    }
    if (!got) return undefined;
    if (!isCachedResult(got.value)) {
      await d.disk.delete(sig);
      return undefined;
    }
    if (!artifactsExist(got.value)) return undefined;
    d.memory.set(sig, got.value, sizeOfValue(got.value));
    return got.value;
  };

  const needed = new Set(plan.outputs);
  const toRun = new Set<string>();
  for (let i = plan.order.length - 1; i >= 0; i--) {
    const id = plan.order[i];
    if (!needed.has(id)) continue;
    const g = graph.nodes.get(id)!;
    const sig = signatures.get(id)!;
    const hit = lookupMemory(g, sig) ?? (await lookupDisk(g, sig));
    if (hit) {
      results.set(id, hit);
      continue;
    }
    toRun.add(id);
    for (const link of g.links.values()) needed.add(link.from);
  }

  // 3. Execute.
  const bySignature = new Map<string, CachedResult>();
  const shared: RunContextShared = {
    signal: d.signal,
    temp,
    outputDir: d.outputDir,
    models: d.models,
    workflowJson: d.workflowJson,
    settings: d.settings,
    logger: d.logger,
    onProgress: (node, info) => {
      const e: EngineEvent = { type: 'progress', runId, node, step: info.step, total: info.total };
      if (info.preview !== undefined) e.preview = info.preview;
      if (info.message !== undefined) e.message = info.message;
      emit(e);
    },
  };

  for (const id of plan.order) {
    if (d.signal.aborted) {
      stop = cancelled();
      break;
    }
    const g = graph.nodes.get(id)!;
    const sig = signatures.get(id)!;
    if (toRun.has(id)) {
      // An identical node earlier in this run (same signature) already computed this.
      const shared = g.def!.volatile ? undefined : (bySignature.get(sig) ?? d.memory.get(sig));
      if (shared) {
        results.set(id, shared);
        toRun.delete(id);
      }
    }
    if (!toRun.has(id)) {
      nodes[id] = { status: 'cached', ms: 0 };
      const arts = results.get(id)?.artifacts;
      emit(
        arts && arts.length > 0
          ? { type: 'node_cached', runId, node: id, artifacts: arts }
          : { type: 'node_cached', runId, node: id },
      );
      continue;
    }
    emit({ type: 'node_start', runId, node: id });
    const t0 = performance.now();
    const artifacts: Artifact[] = [];
    let outputs: Record<string, unknown>;
    try {
      const inputs = buildInputs(g, signed.get(id)!, results, d);
      const ctx = new NodeContext(id, g.index, shared, artifacts);
      outputs = checkOutputs(g.def!, await g.def!.execute(inputs, ctx));
    } catch (err) {
      if (err instanceof CancelledError || d.signal.aborted) {
        stop = cancelled();
      } else {
        const message =
          err instanceof MissingFileError
            ? err.message
            : new NodeExecutionError(id, g.def!.id, errorMessage(err)).message;
        d.logger.error(message);
        stop = { error: { code: 'node_failed', message, node: id } };
      }
      nodes[id] = { status: 'ran', ms: performance.now() - t0 };
      break;
    }
    const entry: CachedResult = { outputs, artifacts };
    results.set(id, entry);
    const def = g.def!;
    if (!def.volatile) {
      bySignature.set(sig, entry);
      d.memory.set(sig, entry, sizeOfValue(entry));
      if (def.persist && d.disk) {
        const disk = d.disk;
        diskWrites.push(
          disk.set(sig, entry).catch((err: unknown) => {
            d.logger.warn(`Could not write node "${id}" to the disk cache: ${errorMessage(err)}`);
          }),
        );
      }
    }
    const ms = performance.now() - t0;
    nodes[id] = { status: 'ran', ms };
    emit({ type: 'node_done', runId, node: id, ms, artifacts });
  }
  return finish();
}

function buildInputs(
  g: GraphNode,
  s: SignedNode,
  results: ReadonlyMap<string, CachedResult>,
  d: RunLoopDeps,
): Record<string, unknown> {
  const def = g.def!;
  const inputs: Record<string, unknown> = {};
  for (const name in def.inputs) {
    const link = g.links.get(name);
    if (!link) {
      inputs[name] = s.literals[name];
      continue;
    }
    let v = results.get(link.from)?.outputs[link.output];
    const spec = def.inputs[name];
    if (spec.type === 'FILE' && typeof v === 'string' && v !== '') {
      const r = resolveFile(v, spec.folder, d.folders, d.baseDir);
      if (!r.found) throw new MissingFileError(g.id, def.id, name, v, r.tried);
      v = r.found.path;
    }
    inputs[name] = v;
  }
  return inputs;
}

function checkOutputs(def: AnyNodeDef, out: unknown): Record<string, unknown> {
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new Error('execute() did not return an object of outputs.');
  }
  const o = out as Record<string, unknown>;
  for (const name in def.outputs) {
    if (o[name] === undefined) throw new Error(`execute() returned no value for output "${name}".`);
  }
  return o;
}
