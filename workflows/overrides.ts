/**
 * Command-line overrides: `--set NODE.INPUT=VALUE` and `--param NAME=VALUE` (NAME from
 * meta.params), with VALUE coerced by the input's declared type. Returns a new document.
 */
import type { InputSpec } from '../nodes/sdk/define';
import { isWidgetType } from '../nodes/sdk/sockets';
import { WorkflowError } from './problems';
import type { WorkflowProblem } from './problems';
import type { WorkflowDocument } from './schema';

export interface Overrides {
  /** "NODE.INPUT=VALUE" items. */
  set?: readonly string[];
  /** "NAME=VALUE" items, NAME being a key of meta.params. */
  params?: readonly string[];
}

export type InputSpecLookup = (nodeType: string, input: string) => InputSpec | undefined;

type Coerced = { ok: true; value: string | number | boolean } | { ok: false; expects: string };

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** VALUE text → the literal an input of this spec stores. */
export function coerceOverrideValue(spec: InputSpec, text: string): Coerced {
  const t = text.trim();
  switch (spec.type) {
    case 'INT': {
      const n = Number(t);
      return INT_RE.test(t) && Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, expects: 'an integer' };
    }
    case 'FLOAT': {
      const n = Number(t);
      return FLOAT_RE.test(t) && Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, expects: 'a number' };
    }
    case 'BOOLEAN': {
      const l = t.toLowerCase();
      if (l === 'true' || l === '1') return { ok: true, value: true };
      if (l === 'false' || l === '0') return { ok: true, value: false };
      return { ok: false, expects: 'true or false (or 1 / 0)' };
    }
    case 'ENUM':
      return spec.options.includes(text)
        ? { ok: true, value: text }
        : { ok: false, expects: `one of: ${spec.options.join(', ')}` };
    case 'STRING':
    case 'FILE':
      return { ok: true, value: text };
    default:
      return { ok: false, expects: `a link from a ${spec.type} output, not a value` };
  }
}

function listNames(names: string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 12).join(', ');
  return names.length > 12 ? `${shown}, ...` : shown;
}

interface Target {
  node: string;
  input: string;
}

/** Splits "NODE.INPUT" where NODE is the longest existing node id (ids may contain dots). */
function splitTarget(doc: WorkflowDocument, left: string): Target | { unknownNode: string } | undefined {
  let best: Target | undefined;
  for (let i = left.indexOf('.'); i >= 0; i = left.indexOf('.', i + 1)) {
    const node = left.slice(0, i);
    const input = left.slice(i + 1);
    if (node && input && Object.hasOwn(doc.nodes, node)) best = { node, input };
  }
  if (best) return best;
  const dot = left.indexOf('.');
  if (dot <= 0 || dot === left.length - 1) return undefined;
  return { unknownNode: left.slice(0, dot) };
}

/**
 * Applies `--set` and `--param` items (later items win). Throws one WorkflowError listing every
 * bad item: malformed, unknown node / input / parameter, link-only input, or a value its input
 * type cannot take. Range checks are left to the validator.
 */
export function applyOverrides(
  doc: WorkflowDocument,
  overrides: Overrides,
  inputSpec: InputSpecLookup,
): WorkflowDocument {
  const problems: WorkflowProblem[] = [];
  const changes = new Map<string, Map<string, string | number | boolean>>();

  const apply = (label: string, target: Target, valueText: string, name: string): void => {
    const node = doc.nodes[target.node];
    const path = ['nodes', target.node, 'values', target.input];
    const at = { path, node: target.node, input: target.input };
    const spec = inputSpec(node.type, target.input);
    if (!spec) {
      problems.push({
        code: 'bad_override',
        message: `${label}: node "${target.node}" (${node.type}) has no input "${target.input}"`,
        ...at,
      });
      return;
    }
    if (!isWidgetType(spec.type)) {
      problems.push({
        code: 'bad_override',
        message: `${label}: ${name} takes a link (${spec.type}), not a value`,
        ...at,
      });
      return;
    }
    const edge = doc.edges.find((e) => e.to.node === target.node && e.to.input === target.input);
    if (edge) {
      problems.push({
        code: 'bad_override',
        message: `${label}: ${name} is fed by edge "${edge.id}" from node "${edge.from.node}", so a value would be ignored`,
        ...at,
        edge: edge.id,
      });
      return;
    }
    const c = coerceOverrideValue(spec, valueText);
    if (!c.ok) {
      problems.push({ code: 'bad_override', message: `${label}: ${name} expects ${c.expects}`, ...at });
      return;
    }
    let m = changes.get(target.node);
    if (!m) changes.set(target.node, (m = new Map<string, string | number | boolean>()));
    m.set(target.input, c.value);
  };

  for (const item of overrides.set ?? []) {
    const label = `--set ${item}`;
    const eq = item.indexOf('=');
    const target = eq > 0 ? splitTarget(doc, item.slice(0, eq)) : undefined;
    if (!target) {
      problems.push({
        code: 'bad_override',
        message: `${label}: expected NODE.INPUT=VALUE, e.g. sampler.steps=20`,
        path: [],
      });
    } else if ('unknownNode' in target) {
      problems.push({
        code: 'bad_override',
        message: `${label}: this workflow has no node "${target.unknownNode}" (nodes: ${listNames(Object.keys(doc.nodes).sort())})`,
        path: ['nodes', target.unknownNode],
        node: target.unknownNode,
      });
    } else apply(label, target, item.slice(eq + 1), target.input);
  }

  const params = doc.meta?.params ?? {};
  for (const item of overrides.params ?? []) {
    const label = `--param ${item}`;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      problems.push({ code: 'bad_param', message: `${label}: expected NAME=VALUE, e.g. seed=42`, path: [] });
      continue;
    }
    const name = item.slice(0, eq);
    if (!Object.hasOwn(params, name)) {
      problems.push({
        code: 'bad_param',
        message: `${label}: this workflow has no parameter "${name}" (parameters: ${listNames(Object.keys(params).sort())})`,
        path: ['meta', 'params', name],
      });
      continue;
    }
    const p = params[name];
    if (!Object.hasOwn(doc.nodes, p.node)) {
      problems.push({
        code: 'bad_param',
        message: `${label}: parameter "${name}" points at node "${p.node}", which is not in this workflow`,
        path: ['meta', 'params', name, 'node'],
        node: p.node,
      });
      continue;
    }
    apply(label, { node: p.node, input: p.input }, item.slice(eq + 1), name);
  }

  if (problems.length > 0) throw new WorkflowError(problems);
  if (changes.size === 0) return doc;
  const nodes = { ...doc.nodes };
  for (const [id, values] of changes) {
    const node = nodes[id];
    nodes[id] = { ...node, values: { ...node.values, ...Object.fromEntries(values) } };
  }
  return { ...doc, nodes };
}
