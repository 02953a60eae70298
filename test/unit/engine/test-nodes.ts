/**
 * Test-only node types for the engine tests. Each factory call gets its own execution counter,
 * keyed by node id, so tests can assert exactly what ran.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineNode, type AnyNodeDef } from '../../../nodes/sdk/define';
import type { Latent } from '../../../nodes/sdk/values';
import { Engine, type EngineOptions } from '../../../nodes/engine/engine';
import { NodeRegistry } from '../../../nodes/engine/registry';
import type { WorkflowDocument } from '../../../workflows/schema';

export interface TestKit {
  registry: NodeRegistry;
  /** Executions per node id. */
  counts: Map<string, number>;
  ran(id: string): number;
  /** Node ids executed, in order, since the last reset. */
  log: string[];
  reset(): void;
}

export function makeKit(extra: AnyNodeDef[] = []): TestKit {
  const counts = new Map<string, number>();
  const log: string[] = [];
  const hit = (id: string): void => {
    counts.set(id, (counts.get(id) ?? 0) + 1);
    log.push(id);
  };
  const defs: AnyNodeDef[] = [
    defineNode({
      id: 't.const',
      version: 1,
      category: 'test',
      title: 'Const',
      description: 'An integer.',
      inputs: { value: { type: 'INT', default: 1, min: -1000, max: 1000 } },
      outputs: { out: { type: 'INT' } },
      execute: ({ value }, ctx) => {
        hit(ctx.nodeId);
        return { out: value };
      },
    }),
    defineNode({
      id: 't.add',
      version: 1,
      category: 'test',
      title: 'Add',
      description: 'a + b.',
      inputs: { a: { type: 'INT', default: 0 }, b: { type: 'INT', default: 0 } },
      outputs: { out: { type: 'INT' } },
      execute: ({ a, b }, ctx) => {
        hit(ctx.nodeId);
        return { out: a + b };
      },
    }),
    defineNode({
      id: 't.padd',
      version: 1,
      category: 'test',
      title: 'Persisted add',
      description: 'a + b, kept on disk.',
      persist: true,
      inputs: { a: { type: 'INT', default: 0 }, b: { type: 'INT', default: 0 } },
      outputs: { out: { type: 'INT' } },
      execute: ({ a, b }, ctx) => {
        hit(ctx.nodeId);
        return { out: a + b };
      },
    }),
    defineNode({
      id: 't.latent',
      version: 1,
      category: 'test',
      title: 'Latent',
      description: 'A latent of `size` floats filled with `fill`.',
      persist: true,
      inputs: { size: { type: 'INT', default: 4, min: 1 }, fill: { type: 'INT', default: 0 } },
      outputs: { latent: { type: 'LATENT' } },
      execute: ({ size, fill }, ctx) => {
        hit(ctx.nodeId);
        const latent: Latent = {
          kind: 'latent',
          samples: { dims: [size], data: new Float32Array(size).fill(fill) },
        };
        return { latent };
      },
    }),
    defineNode({
      id: 't.sum',
      version: 1,
      category: 'test',
      title: 'Sum',
      description: 'Sums a latent.',
      inputs: { latent: { type: 'LATENT' } },
      outputs: { out: { type: 'INT' } },
      execute: ({ latent }, ctx) => {
        hit(ctx.nodeId);
        return { out: latent.samples.data.reduce((s, v) => s + v, 0) };
      },
    }),
    defineNode({
      id: 't.out',
      version: 1,
      category: 'test',
      title: 'Out',
      description: 'Writes its value to <outputDir>/<node>.txt.',
      output: true,
      inputs: { value: { type: 'INT', default: 0 } },
      outputs: {},
      execute: ({ value }, ctx) => {
        hit(ctx.nodeId);
        const path = join(ctx.outputDir, `${ctx.nodeId}.txt`);
        writeFileSync(path, String(value));
        ctx.artifact({ kind: 'image', path, mime: 'text/plain' });
        return {};
      },
    }),
    defineNode({
      id: 't.slow',
      version: 1,
      category: 'test',
      title: 'Slow',
      description: 'Counts `steps` steps of `ms` each, checking for cancellation.',
      inputs: {
        steps: { type: 'INT', default: 10, min: 1 },
        ms: { type: 'INT', default: 5 },
        in: { type: 'INT', default: 0 },
      },
      outputs: { out: { type: 'INT' } },
      execute: async ({ steps, ms, in: x }, ctx) => {
        hit(ctx.nodeId);
        for (let step = 1; step <= steps; step++) {
          await new Promise((r) => setTimeout(r, ms));
          ctx.throwIfAborted();
          ctx.progress({ step, total: steps });
        }
        return { out: x + steps };
      },
    }),
    defineNode({
      id: 't.fail',
      version: 1,
      category: 'test',
      title: 'Fail',
      description: 'Always throws.',
      inputs: { in: { type: 'INT', default: 0 } },
      outputs: { out: { type: 'INT' } },
      execute: (_inputs, ctx) => {
        hit(ctx.nodeId);
        throw new Error('the test node always fails');
      },
    }),
    defineNode({
      id: 't.clock',
      version: 1,
      category: 'test',
      title: 'Clock',
      description: 'Volatile: never cached.',
      volatile: true,
      inputs: {},
      outputs: { out: { type: 'INT' } },
      execute: (_inputs, ctx) => {
        hit(ctx.nodeId);
        return { out: 7 };
      },
    }),
  ];
  const registry = new NodeRegistry([...defs, ...extra]);
  return {
    registry,
    counts,
    log,
    ran: (id) => counts.get(id) ?? 0,
    reset: () => {
      counts.clear();
      log.length = 0;
    },
  };
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'engine-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makeEngine(kit: TestKit, dir: string, opts: Partial<EngineOptions> = {}): Engine {
  return new Engine({
    registry: kit.registry,
    outputDir: join(dir, 'out'),
    tempRoot: join(dir, 'tmp'),
    diskCache: false,
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    ...opts,
  });
}

type NodeSpec = [type: string, values?: Record<string, unknown>];

/** Builds a document: nodes as { id: [type, values] }, edges as 'from.output->to.input'. */
export function doc(
  nodes: Record<string, NodeSpec>,
  edges: string[] = [],
  meta?: WorkflowDocument['meta'],
): WorkflowDocument {
  const d: WorkflowDocument = { schemaVersion: 1, nodes: {}, edges: [] };
  let x = 0;
  for (const [id, [type, values]] of Object.entries(nodes)) {
    d.nodes[id] = { type, version: 1, position: { x: (x += 100), y: 0 }, values: values ?? {} };
  }
  edges.forEach((e, i) => {
    const m = /^([^.]+)\.([^-]+)->([^.]+)\.(.+)$/.exec(e);
    if (!m) throw new Error(`bad edge spec ${e}`);
    d.edges.push({ id: `e${i}`, from: { node: m[1], output: m[2] }, to: { node: m[3], input: m[4] } });
  });
  if (meta) d.meta = meta;
  return d;
}
