/**
 * Reading a workflow file: bytes → text → JSON → version check → migrations → zod → node-type
 * upgrades. Every way a file can be wrong becomes a located WorkflowProblem; `parseWorkflow`
 * never throws and `loadWorkflow` throws only WorkflowError.
 */
import { issueToProblems, problemAt, describeValue } from './issues';
import { decodeWorkflowText, FORBIDDEN_KEYS, parseJsonText } from './json-text';
import { migrateDocument, upgradeNodes } from './migrations';
import type { NodeTypeLookup } from './migrations';
import { WorkflowError } from './problems';
import type { WorkflowProblem } from './problems';
import { SCHEMA_VERSION, WorkflowDocument } from './schema';

export interface ParseOptions {
  /** The file name, used as the prefix of a WorkflowError's message. */
  source?: string;
  /** Node types known to this build; nodes saved by an older type version are upgraded. */
  nodeTypes?: NodeTypeLookup;
}

export type ParseResult =
  { ok: true; doc: WorkflowDocument; migrated: boolean } | { ok: false; problems: WorkflowProblem[] };

/** At most this many problems are reported (a wrong file can have thousands). */
export const MAX_PROBLEMS = 100;

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function capProblems(problems: WorkflowProblem[]): WorkflowProblem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const kept = problems.slice(0, MAX_PROBLEMS - 1);
  kept.push({
    code: problems[MAX_PROBLEMS - 1].code,
    message: `...and ${problems.length - kept.length} more problems.`,
    path: [],
  });
  return kept;
}

function fail(problems: WorkflowProblem[]): ParseResult {
  return { ok: false, problems: capProblems(problems) };
}

/** Removes keys such as __proto__ everywhere (they never reach an object's prototype) and reports each. */
function stripForbiddenKeys(root: unknown, out: WorkflowProblem[]): void {
  const path: (string | number)[] = [];
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
      return;
    }
    const obj = v as Raw;
    for (const key of Object.keys(obj)) {
      if (FORBIDDEN_KEYS.has(key)) {
        if (out.length < MAX_PROBLEMS) {
          out.push(
            problemAt('schema', [...path, key], 'is a reserved name and is not allowed in a workflow', root),
          );
        }
        delete obj[key];
      } else {
        path.push(key);
        walk(obj[key]);
        path.pop();
      }
    }
  };
  walk(root);
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

type VersionInfo =
  | { version: number; problem?: undefined; final?: undefined }
  | { version?: undefined; problem: WorkflowProblem; final: boolean };

function looksLikeComfyUI(raw: Raw): boolean {
  if (
    Array.isArray(raw.nodes) &&
    (Object.hasOwn(raw, 'last_node_id') || (Object.hasOwn(raw, 'links') && raw.version !== 0))
  )
    return true;
  const values = Object.values(raw);
  return values.length > 0 && values.every((v) => isRecord(v) && typeof v.class_type === 'string');
}

function detectVersion(raw: Raw): VersionInfo {
  if (Object.hasOwn(raw, 'schemaVersion')) {
    const v = raw.schemaVersion;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return { version: v };
    return {
      problem: {
        code: 'schema',
        message: `Workflow: schemaVersion must be a whole number such as ${SCHEMA_VERSION} (got ${describeValue(v)}).`,
        path: ['schemaVersion'],
      },
      final: false,
    };
  }
  if (raw.version === 0 && Array.isArray(raw.nodes)) return { version: 0 };
  if (looksLikeComfyUI(raw)) {
    return {
      problem: {
        code: 'schema',
        message:
          'This looks like a ComfyUI workflow, not a Wan Studio one: it has to be imported rather than opened.',
        path: [],
      },
      final: true,
    };
  }
  return {
    problem: {
      code: 'schema',
      message: 'Workflow: schemaVersion is missing, so this is not a Wan Studio workflow (or it is damaged).',
      path: ['schemaVersion'],
    },
    final: false,
  };
}

/** Edge and group ids must be unique within their list. */
function duplicateIds(raw: Raw): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const list of ['edges', 'groups'] as const) {
    const items = raw[list];
    if (!Array.isArray(items)) continue;
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      if (!isRecord(item) || typeof item.id !== 'string') return;
      const seen = first.get(item.id);
      if (seen === undefined) first.set(item.id, i);
      else
        problems.push(
          problemAt('schema', [list, i, 'id'], `repeats the id of ${list}[${seen}]; ids must be unique`, raw),
        );
    });
  }
  return problems;
}

function validate(
  raw: unknown,
  skipVersionIssues: boolean,
): { ok: true; doc: WorkflowDocument } | { ok: false; problems: WorkflowProblem[] } {
  const parsed = WorkflowDocument.safeParse(raw);
  if (parsed.success) return { ok: true, doc: parsed.data };
  const issues = skipVersionIssues
    ? parsed.error.issues.filter((i) => i.path[0] !== 'schemaVersion')
    : parsed.error.issues;
  return { ok: false, problems: issues.flatMap((i) => issueToProblems(i, raw)) };
}

function parseInner(input: string | Uint8Array, opts: ParseOptions): ParseResult {
  const decoded = decodeWorkflowText(input);
  if (!decoded.ok) return fail([decoded.problem]);
  const json = parseJsonText(decoded.text);
  if (!json.ok) return fail([json.problem]);
  const raw = json.value;
  if (!isRecord(raw)) {
    return fail([
      { code: 'schema', message: `The file holds ${jsonKind(raw)}, not a workflow object.`, path: [] },
    ]);
  }

  const problems: WorkflowProblem[] = [];
  stripForbiddenKeys(raw, problems);

  const version = detectVersion(raw);
  if (version.problem) {
    if (version.final) return fail([version.problem, ...problems]);
    problems.unshift(version.problem);
  } else if (version.version > SCHEMA_VERSION) {
    return fail([
      {
        code: 'future_version',
        message: `This workflow was saved by a newer Wan Studio (schema ${version.version}); this build reads up to ${SCHEMA_VERSION}.`,
        path: ['schemaVersion'],
      },
    ]);
  }

  let current: unknown = raw;
  let migrated = false;
  if (version.version !== undefined && version.version < SCHEMA_VERSION) {
    if (problems.length > 0) return fail(problems);
    const m = migrateDocument(raw, version.version);
    if (!m.ok) return fail(m.problems);
    current = m.raw;
    migrated = m.applied > 0;
    stripForbiddenKeys(current, problems);
  }

  const checked = validate(current, version.problem !== undefined);
  if (isRecord(current)) problems.push(...duplicateIds(current));
  if (!checked.ok) problems.push(...checked.problems);
  if (problems.length > 0 || !checked.ok) return fail(problems);

  let doc = checked.doc;
  if (opts.nodeTypes) {
    const up = upgradeNodes(doc, opts.nodeTypes);
    if (up.problems.length > 0) return fail(up.problems);
    if (up.upgraded.length > 0) {
      // Upgrades are code outside this module: check what they produced.
      const again = validate(up.doc, false);
      if (!again.ok) {
        return fail(
          again.problems.map((p) => ({
            ...p,
            code: 'migration' as const,
            message: `After upgrading node types: ${p.message}`,
          })),
        );
      }
      doc = again.doc;
      migrated = true;
    }
  }
  return { ok: true, doc, migrated };
}

/** Reads a workflow file's content. Never throws: every failure is a list of located problems. */
export function parseWorkflow(input: string | Uint8Array, opts: ParseOptions = {}): ParseResult {
  try {
    return parseInner(input, opts);
  } catch (e) {
    return {
      ok: false,
      problems: [
        {
          code: 'parse',
          message: `Internal error while reading the workflow: ${e instanceof Error ? e.message : String(e)}`,
        },
      ],
    };
  }
}

/** Like parseWorkflow, but returns the document or throws a WorkflowError carrying every problem. */
export function loadWorkflow(input: string | Uint8Array, opts: ParseOptions = {}): WorkflowDocument {
  const r = parseWorkflow(input, opts);
  if (!r.ok) throw new WorkflowError(r.problems, opts.source);
  return r.doc;
}
