/**
 * The canonical form of a workflow document: fixed key order, nodes and edges sorted by id,
 * literal values sorted by key (recursively), 2-space indent, trailing newline. Saving a loaded
 * saved document gives identical bytes, so files diff cleanly and can be snapshot-tested.
 *
 * Plain JS objects list integer-like keys ("2", "10") before the others whatever the insertion
 * order, so the order is held in an explicit entry list and the text is written from it.
 */
import type { WorkflowDocument } from './schema';

/** An object whose key order is explicit. */
class Ordered {
  constructor(readonly entries: [string, unknown][]) {}
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Any JSON-ish value with object keys sorted; throws on a cycle. */
function sortJson(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value))
    throw new TypeError('The workflow cannot be saved: its values contain a reference cycle.');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => sortJson(v, ancestors));
    const keys = Object.keys(value).sort(byCodeUnits);
    return new Ordered(keys.map((k) => [k, sortJson((value as Record<string, unknown>)[k], ancestors)]));
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Entries of `obj` in the order `known` gives, then any other keys sorted (kept rather than
 * silently dropped; the loader rejects them, which is louder than losing data).
 */
function orderKeys(
  obj: Record<string, unknown>,
  known: readonly string[],
  transform: (key: string, value: unknown) => unknown = (_k, v) => sortJson(v, new Set()),
): Ordered {
  const entries: [string, unknown][] = [];
  for (const k of known) {
    if (Object.hasOwn(obj, k) && obj[k] !== undefined) entries.push([k, transform(k, obj[k])]);
  }
  const extra = Object.keys(obj)
    .filter((k) => !known.includes(k) && obj[k] !== undefined)
    .sort(byCodeUnits);
  for (const k of extra) entries.push([k, sortJson(obj[k], new Set())]);
  return new Ordered(entries);
}

function orderedRecord(rec: unknown, each: (value: unknown) => unknown): unknown {
  if (!isPlainObject(rec)) return sortJson(rec, new Set());
  return new Ordered(
    Object.keys(rec)
      .sort(byCodeUnits)
      .filter((k) => rec[k] !== undefined)
      .map((k) => [k, each(rec[k])]),
  );
}

function orderedObject(
  v: unknown,
  known: readonly string[],
  transform?: (key: string, value: unknown) => unknown,
): unknown {
  return isPlainObject(v) ? orderKeys(v, known, transform) : sortJson(v, new Set());
}

const NODE_KEYS = [
  'type',
  'version',
  'title',
  'position',
  'size',
  'exposed',
  'seedControl',
  'values',
] as const;
const EDGE_KEYS = ['id', 'from', 'to'] as const;
const GROUP_KEYS = ['id', 'title', 'color', 'bounds'] as const;
const PARAM_KEYS = ['node', 'input', 'label', 'description'] as const;
const META_KEYS = ['title', 'description', 'params', 'thumbnail'] as const;
const DOC_KEYS = ['schemaVersion', 'meta', 'nodes', 'edges', 'groups'] as const;

function orderedNode(node: unknown): unknown {
  return orderedObject(node, NODE_KEYS, (k, v) => {
    if (k === 'position') return orderedObject(v, ['x', 'y']);
    if (k === 'size') return orderedObject(v, ['width', 'height']);
    return sortJson(v, new Set());
  });
}

function orderedEdge(edge: unknown): unknown {
  return orderedObject(edge, EDGE_KEYS, (k, v) =>
    k === 'from'
      ? orderedObject(v, ['node', 'output'])
      : k === 'to'
        ? orderedObject(v, ['node', 'input'])
        : sortJson(v, new Set()),
  );
}

function orderedGroup(group: unknown): unknown {
  return orderedObject(group, GROUP_KEYS, (k, v) =>
    k === 'bounds' ? orderedObject(v, ['x', 'y', 'width', 'height']) : sortJson(v, new Set()),
  );
}

function idOf(v: unknown): string {
  return isPlainObject(v) && typeof v.id === 'string' ? v.id : '';
}

function orderedDocument(doc: WorkflowDocument): Ordered {
  return orderKeys(doc, DOC_KEYS, (k, v) => {
    switch (k) {
      case 'meta':
        return orderedObject(v, META_KEYS, (mk, mv) =>
          mk === 'params' ? orderedRecord(mv, (p) => orderedObject(p, PARAM_KEYS)) : sortJson(mv, new Set()),
        );
      case 'nodes':
        return orderedRecord(v, orderedNode);
      case 'edges':
        // Array.prototype.sort is stable, so equal ids keep their order.
        return Array.isArray(v)
          ? [...(v as unknown[])].sort((a, b) => byCodeUnits(idOf(a), idOf(b))).map(orderedEdge)
          : v;
      case 'groups':
        // Group order is drawing order: kept as is.
        return Array.isArray(v) ? (v as unknown[]).map(orderedGroup) : v;
      default:
        return sortJson(v, new Set());
    }
  });
}

function toPlain(v: unknown): unknown {
  if (v instanceof Ordered) {
    const out: Record<string, unknown> = {};
    for (const [k, val] of v.entries) {
      // defineProperty: a key named __proto__ stays a plain own property.
      Object.defineProperty(out, k, {
        value: toPlain(val),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (Array.isArray(v)) return v.map(toPlain);
  return v;
}

function writeJson(v: unknown, indent: string): string {
  if (v instanceof Ordered) {
    const entries = v.entries.filter(([, val]) => val !== undefined && typeof val !== 'function');
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, val]) => `${inner}${JSON.stringify(k)}: ${writeJson(val, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${v.map((val) => inner + writeJson(val, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isPlainObject(v)) return writeJson(sortJson(v, new Set()), indent);
  return 'null';
}

/** A copy of `doc` with every key in canonical order (integer-like record keys excepted, see above). */
export function canonicalize(doc: WorkflowDocument): WorkflowDocument {
  return toPlain(orderedDocument(doc)) as WorkflowDocument;
}

/**
 * The canonical text of a workflow document. Does not validate: pass a document that the loader
 * (or the editor's store) produced. Throws a TypeError only for a document whose values hold a
 * reference cycle, which no loaded document can.
 */
export function saveWorkflow(doc: WorkflowDocument): string {
  return writeJson(orderedDocument(doc), '') + '\n';
}
