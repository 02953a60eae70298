/**
 * Upgrading old documents: document-level migrations (schema n → n+1, on the raw JSON, before
 * validation) and per-node-type upgrades (a node saved by an older version of its type gets the
 * type's `upgrade` applied to its values and its version bumped, after validation).
 */
import { migrateV0toV1, MigrationError } from './migrate-v0';
import type { WorkflowProblem } from './problems';
import { SCHEMA_VERSION } from './schema';
import type { WorkflowDocument } from './schema';

export { MigrationError } from './migrate-v0';

export interface DocumentMigration {
  from: number;
  to: number;
  /** Receives the raw JSON of a `from` document; returns the raw JSON of a `to` document. Throws MigrationError with located problems when the old file cannot be carried over. */
  migrate(raw: unknown): unknown;
}

/** Every document migration, in order; the last one's `to` is SCHEMA_VERSION. */
export const MIGRATIONS: readonly DocumentMigration[] = [{ from: 0, to: 1, migrate: migrateV0toV1 }];

/** The oldest schema this build can still read. */
export const OLDEST_SCHEMA_VERSION =
  MIGRATIONS.length > 0 ? Math.min(...MIGRATIONS.map((m) => m.from)) : SCHEMA_VERSION;

export type MigrateResult =
  { ok: true; raw: unknown; applied: number } | { ok: false; problems: WorkflowProblem[] };

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Applies migrations from `fromVersion` up to `target`; never throws. */
export function migrateDocument(
  raw: unknown,
  fromVersion: number,
  migrations: readonly DocumentMigration[] = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): MigrateResult {
  let version = fromVersion;
  let current = raw;
  let applied = 0;
  while (version < target) {
    const step = migrations.find((m) => m.from === version);
    if (!step || step.to <= version) {
      return {
        ok: false,
        problems: [
          {
            code: 'migration',
            message: `This workflow uses schema ${fromVersion}, which this build can no longer upgrade (no migration from schema ${version}).`,
            path: ['schemaVersion'],
          },
        ],
      };
    }
    try {
      current = step.migrate(current);
    } catch (e) {
      if (e instanceof MigrationError && e.problems.length > 0) return { ok: false, problems: e.problems };
      return {
        ok: false,
        problems: [
          {
            code: 'migration',
            message: `This workflow could not be upgraded from schema ${step.from} to ${step.to}: ${errorText(e)}`,
            path: [],
          },
        ],
      };
    }
    version = step.to;
    applied++;
  }
  return { ok: true, raw: current, applied };
}

/** What the loader needs to know about a node type to upgrade saved nodes. A NodeDef fits. */
export interface NodeTypeInfo {
  version: number;
  upgrade?: (values: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
}
export type NodeTypeLookup = (type: string) => NodeTypeInfo | undefined;

export interface UpgradeResult {
  doc: WorkflowDocument;
  /** Ids of the nodes whose version was bumped. */
  upgraded: string[];
  problems: WorkflowProblem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Upgrades every node whose saved version is older than its type's. Unknown types and versions
 * newer than the type's are left alone for the validator to report. Returns a new document;
 * the input is not modified. Never throws.
 */
export function upgradeNodes(doc: WorkflowDocument, lookup: NodeTypeLookup): UpgradeResult {
  const upgraded: string[] = [];
  const problems: WorkflowProblem[] = [];
  let nodes: WorkflowDocument['nodes'] | undefined;
  for (const id of Object.keys(doc.nodes)) {
    const node = doc.nodes[id];
    let info: NodeTypeInfo | undefined;
    try {
      info = lookup(node.type);
    } catch (e) {
      problems.push({
        code: 'migration',
        message: `Node "${id}" (${node.type}): looking up its type failed: ${errorText(e)}`,
        path: ['nodes', id, 'type'],
        node: id,
      });
      continue;
    }
    if (!info || !Number.isInteger(info.version) || node.version >= info.version) continue;
    let values: Record<string, unknown> = node.values;
    if (info.upgrade) {
      try {
        const out = info.upgrade(structuredClone(node.values), node.version);
        if (!isRecord(out)) throw new Error('the upgrade did not return an object of values');
        values = out;
      } catch (e) {
        problems.push({
          code: 'migration',
          message: `Node "${id}" (${node.type}) could not be upgraded from version ${node.version} to ${info.version}: ${errorText(e)}`,
          path: ['nodes', id, 'version'],
          node: id,
        });
        continue;
      }
    }
    nodes ??= { ...doc.nodes };
    nodes[id] = { ...node, version: info.version, values };
    upgraded.push(id);
  }
  return { doc: nodes ? { ...doc, nodes } : doc, upgraded, problems };
}
