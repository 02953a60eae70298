/**
 * Turning zod issues into WorkflowProblems: a sentence naming the node / input / edge concerned,
 * the JSON path, and the node/input/edge fields the editor uses to pin a problem on the canvas.
 */
import type { z } from 'zod';
import type { ProblemCode, WorkflowProblem } from './problems';

export type JsonPath = (string | number)[];

/** The value at `path` inside `root`, or undefined (own properties only). */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    if (!Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** A short description of a value for messages: "abc", 12, an object, an array. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  if (typeof v === 'number')
    return Number.isFinite(v)
      ? String(v)
      : v > 0
        ? 'a number too large for JSON'
        : 'a number too small for JSON';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

function fieldPath(rest: readonly (string | number)[]): string {
  return rest.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

/** "Node "sampler"" + "input "steps"" and friends for a path inside a document. */
export function locate(
  path: readonly (string | number)[],
  root: unknown,
): { subject: string; field: string } {
  const [head, key, ...rest] = path;
  if (head === 'nodes' && key !== undefined) {
    if (rest[0] === 'values' && rest.length >= 2) {
      const sub = rest.slice(2);
      return {
        subject: `Node "${key}"`,
        field: `input "${rest[1]}"${sub.length ? ` (at ${fieldPath(sub)})` : ''}`,
      };
    }
    return { subject: `Node "${key}"`, field: fieldPath(rest) };
  }
  if ((head === 'edges' || head === 'groups') && typeof key === 'number') {
    const id = valueAt(root, [head, key, 'id']);
    const label = head === 'edges' ? 'Edge' : 'Group';
    const name =
      typeof id === 'string' && id.length > 0 && id.length <= 64
        ? `${label} "${id}" (${head}[${key}])`
        : `${label} #${key + 1} (${head}[${key}])`;
    return { subject: name, field: fieldPath(rest) };
  }
  if (head === 'meta' && key === 'params' && rest.length >= 1) {
    return { subject: `Parameter "${rest[0]}"`, field: fieldPath(rest.slice(1)) };
  }
  return { subject: 'Workflow', field: fieldPath(path) };
}

/** Fills node / input / edge from a path. */
export function pinProblem(problem: WorkflowProblem, root: unknown): WorkflowProblem {
  const p = problem.path;
  if (!p) return problem;
  if (p[0] === 'nodes' && typeof p[1] === 'string') {
    problem.node = p[1];
    if (p[2] === 'values' && typeof p[3] === 'string') problem.input = p[3];
  } else if (p[0] === 'edges' && typeof p[1] === 'number') {
    const id = valueAt(root, ['edges', p[1], 'id']);
    if (typeof id === 'string') problem.edge = id;
  } else if (p[0] === 'meta' && p[1] === 'params' && typeof p[2] === 'string') {
    const param = valueAt(root, p.slice(0, 3));
    const node = valueAt(param, ['node']);
    const input = valueAt(param, ['input']);
    if (typeof node === 'string') problem.node = node;
    if (typeof input === 'string') problem.input = input;
  }
  return problem;
}

/** Builds a located problem: "<subject>: <field> <what>." */
export function problemAt(code: ProblemCode, path: JsonPath, what: string, root: unknown): WorkflowProblem {
  const { subject, field } = locate(path, root);
  const message = `${subject}: ${field ? field + ' ' : ''}${what}.`;
  return pinProblem({ code, message, path: [...path] }, root);
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
  record: 'an object',
  map: 'an object',
  tuple: 'an array',
};

/** The path to the first non-finite number (or non-JSON thing) inside `v`. */
function findNonJson(v: unknown, path: JsonPath, depth = 0): { path: JsonPath; what: string } | undefined {
  if (depth > 200) return { path, what: 'is nested too deeply' };
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : { path, what: `is ${describeValue(v)}` };
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findNonJson(v[i], [...path, i], depth + 1);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const r = findNonJson((v as Record<string, unknown>)[k], [...path, k], depth + 1);
      if (r) return r;
    }
    return undefined;
  }
  return { path, what: `is not a JSON value (${typeof v})` };
}

/** Like describeValue, but gives the length of strings and arrays (what a size rule is about). */
function describeSized(v: unknown): string {
  if (typeof v === 'string' && v.length > 40) return `${v.length} characters`;
  if (Array.isArray(v)) return `${v.length} item${v.length === 1 ? '' : 's'}`;
  return describeValue(v);
}

function isDefaultMessage(msg: string): boolean {
  return /^Invalid\b/.test(msg) || /^Too (big|small)\b/.test(msg) || /^Unrecognized key/.test(msg);
}

function sizeWhat(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, small: boolean): string {
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const n = Number(bound);
  switch (issue.origin) {
    case 'string':
      return small
        ? n <= 1
          ? 'must not be empty'
          : `must be at least ${n} characters long`
        : `is too long (at most ${n} characters)`;
    case 'array':
    case 'set':
      return small
        ? `must have at least ${n} item${n === 1 ? '' : 's'}`
        : `has too many items (at most ${n})`;
    default: {
      const inclusive = issue.inclusive !== false;
      if (small) return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
      return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
    }
  }
}

/** One zod issue → one or more problems, located against the raw document `root`. */
export function issueToProblems(
  issue: z.core.$ZodIssue,
  root: unknown,
  code: ProblemCode = 'schema',
): WorkflowProblem[] {
  const path: JsonPath = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
  const actual = valueAt(root, path);
  switch (issue.code) {
    case 'invalid_type': {
      const want = TYPE_NAMES[issue.expected] ?? issue.expected;
      if (actual === undefined) return [problemAt(code, path, `is missing (expected ${want})`, root)];
      if (typeof actual === 'number' && !Number.isFinite(actual))
        return [problemAt(code, path, `is ${describeValue(actual)}`, root)];
      return [problemAt(code, path, `should be ${want}, not ${describeValue(actual)}`, root)];
    }
    case 'too_small':
      return [problemAt(code, path, `${sizeWhat(issue, true)} (got ${describeSized(actual)})`, root)];
    case 'too_big':
      return [problemAt(code, path, `${sizeWhat(issue, false)} (got ${describeSized(actual)})`, root)];
    case 'invalid_format': {
      const rule = isDefaultMessage(issue.message) ? `must match ${issue.format}` : issue.message;
      return [problemAt(code, path, `is not valid: ${rule} (got ${describeValue(actual)})`, root)];
    }
    case 'invalid_value': {
      const want = issue.values
        .map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v)))
        .join(' or ');
      return [problemAt(code, path, `must be ${want} (got ${describeValue(actual)})`, root)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => problemAt(code, [...path, key], 'is not a known field', root));
    case 'invalid_key': {
      const key = path[path.length - 1];
      const parent = path.slice(0, -1);
      const kind =
        parent.length === 1 && parent[0] === 'nodes'
          ? 'node id'
          : parent[0] === 'meta' && parent[1] === 'params'
            ? 'parameter name'
            : 'key';
      const fallback =
        kind === 'parameter name'
          ? 'names start with a letter or _ and use only letters, digits and _'
          : 'invalid format';
      const inner = issue.issues.map((i) => (isDefaultMessage(i.message) ? fallback : i.message)).join('; ');
      const problem: WorkflowProblem = {
        code,
        message: `${JSON.stringify(String(key))} is not a valid ${kind}: ${inner}.`,
        path,
      };
      return [pinProblem(problem, root)];
    }
    case 'invalid_union': {
      const bad = findNonJson(actual, path);
      if (bad) return [problemAt(code, bad.path, bad.what, root)];
      return [problemAt(code, path, `is not a valid value (got ${describeValue(actual)})`, root)];
    }
    default:
      return [
        problemAt(
          code,
          path,
          isDefaultMessage(issue.message) ? issue.message.toLowerCase() : issue.message,
          root,
        ),
      ];
  }
}
