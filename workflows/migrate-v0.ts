/**
 * Schema 0: the pre-release draft format, read so that early files still open.
 *
 *   { "version": 0, "title"?: string,
 *     "nodes": [{ "id", "type", "x", "y", "inputs": { name: value }, "title"?, "typeVersion"? }],
 *     "links": [[fromNode, fromOutput, toNode, toInput], ...] }
 *
 * Node ids may be numbers. Nodes carried no type version (they are version 1 unless
 * `typeVersion` says otherwise); links had no ids (they become e1, e2, ... in link order).
 */
import { z } from 'zod';
import { issueToProblems } from './issues';
import { FORBIDDEN_KEYS } from './json-text';
import type { WorkflowProblem } from './problems';

const NodeRef = z.union([z.string().min(1), z.number().int().nonnegative()]);

const V0Node = z.object({
  id: NodeRef,
  type: z.string().min(1),
  x: z.number(),
  y: z.number(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  title: z.string().optional(),
  typeVersion: z.number().int().min(1).optional(),
});

const V0Document = z.object({
  version: z.literal(0),
  title: z.string().optional(),
  nodes: z.array(V0Node),
  links: z.array(z.tuple([NodeRef, z.string().min(1), NodeRef, z.string().min(1)])).optional(),
});

/** Thrown by a migration: the problems say what in the old file could not be carried over. */
export class MigrationError extends Error {
  constructor(readonly problems: WorkflowProblem[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'MigrationError';
  }
}

function ownSet(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function migrateV0toV1(raw: unknown): unknown {
  const parsed = V0Document.safeParse(raw);
  if (!parsed.success) {
    throw new MigrationError(
      parsed.error.issues.flatMap((i) =>
        issueToProblems(i, raw, 'migration').map((p) => ({
          ...p,
          message: `Schema 0 draft: ${p.message.replace(/^Workflow: /, '')}`,
        })),
      ),
    );
  }
  const v0 = parsed.data;
  const problems: WorkflowProblem[] = [];
  const nodes: Record<string, unknown> = {};
  const firstIndex = new Map<string, number>();
  v0.nodes.forEach((n, i) => {
    const id = String(n.id);
    if (FORBIDDEN_KEYS.has(id)) {
      problems.push({
        code: 'migration',
        message: `Schema 0 draft: node id "${id}" is reserved and cannot be used.`,
        path: ['nodes', i, 'id'],
        node: id,
      });
      return;
    }
    const seen = firstIndex.get(id);
    if (seen !== undefined) {
      problems.push({
        code: 'migration',
        message: `Schema 0 draft: node id "${id}" is used twice (nodes[${seen}] and nodes[${i}]).`,
        path: ['nodes', i, 'id'],
        node: id,
      });
      return;
    }
    firstIndex.set(id, i);
    const node: Record<string, unknown> = {
      type: n.type,
      version: n.typeVersion ?? 1,
      position: { x: n.x, y: n.y },
      values: n.inputs ?? {},
    };
    if (n.title !== undefined) node.title = n.title;
    ownSet(nodes, id, node);
  });
  if (problems.length > 0) throw new MigrationError(problems);
  const edges = (v0.links ?? []).map(([fromNode, output, toNode, input], i) => ({
    id: `e${i + 1}`,
    from: { node: String(fromNode), output },
    to: { node: String(toNode), input },
  }));
  const doc: Record<string, unknown> = { schemaVersion: 1, nodes, edges };
  if (v0.title !== undefined) doc.meta = { title: v0.title };
  return doc;
}
