/**
 * Turning the bytes of a workflow file into a JSON value, defensively: size limit, UTF-8 check,
 * binary-file detection, a syntax check that says where the JSON breaks (line and column, and
 * whether the file is simply cut short), and a nesting-depth limit enforced before anything
 * recursive (JSON.parse, zod, the serializer) sees the data. Renderer-safe: no Node-only APIs.
 */
import { checkJsonSyntax, lineColumn } from './json-syntax';
import type { SyntaxFault } from './json-syntax';
import type { WorkflowProblem } from './problems';

/** Largest workflow file accepted (a thumbnail data URL is the biggest legitimate part). */
export const MAX_WORKFLOW_BYTES = 64 * 1024 * 1024;
/** Deepest object/array nesting accepted; real documents use about 8. */
export const MAX_WORKFLOW_DEPTH = 64;

/** Keys that could reach an object's prototype in code that copies documents around. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonResult = { ok: true; value: unknown } | { ok: false; problem: WorkflowProblem };

const MIB = 1024 * 1024;

function parseProblem(
  message: string,
  line?: number,
  column?: number,
): { ok: false; problem: WorkflowProblem } {
  const problem: WorkflowProblem = { code: 'parse', message };
  if (line !== undefined) problem.line = line;
  if (column !== undefined) problem.column = column;
  return { ok: false, problem };
}

/** File signatures of things people open by mistake. */
const MAGIC: { bytes: number[]; offset?: number; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x66, 0x74, 0x79, 0x70], offset: 4, what: 'an MP4/MOV video' },
  { bytes: [0x1a, 0x45, 0xdf, 0xa3], what: 'a WebM/MKV video' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
];

function sniffBinary(bytes: Uint8Array): string | undefined {
  for (const m of MAGIC) {
    const at = m.offset ?? 0;
    if (bytes.length >= at + m.bytes.length && m.bytes.every((b, i) => bytes[at + i] === b)) return m.what;
  }
  return undefined;
}

/** Offset of the first byte that breaks UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i; // sequence cut off by the end
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Bytes or a string → text without BOM, or a 'parse' problem. */
export function decodeWorkflowText(
  input: string | Uint8Array,
): { ok: true; text: string } | { ok: false; problem: WorkflowProblem } {
  if (typeof input === 'string') {
    if (input.length > MAX_WORKFLOW_BYTES) {
      return parseProblem(
        `The file is too large to be a workflow (${(input.length / MIB).toFixed(1)} MiB; the limit is ${MAX_WORKFLOW_BYTES / MIB} MiB).`,
      );
    }
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    return { ok: true, text };
  }
  if (!(input instanceof Uint8Array)) return parseProblem('The workflow must be given as text or bytes.');
  if (input.length > MAX_WORKFLOW_BYTES) {
    return parseProblem(
      `The file is too large to be a workflow (${(input.length / MIB).toFixed(1)} MiB; the limit is ${MAX_WORKFLOW_BYTES / MIB} MiB).`,
    );
  }
  const what = sniffBinary(input);
  if (what) return parseProblem(`This is ${what}, not a workflow file.`);
  const bad = firstInvalidUtf8(input);
  if (bad >= 0) {
    const nul = input.indexOf(0);
    if (nul >= 0 && nul <= bad) {
      return parseProblem(`This is a binary file, not a workflow (byte 0x00 at offset ${nul}).`);
    }
    const hex = input[bad].toString(16).toUpperCase().padStart(2, '0');
    const head = new TextDecoder('utf-8').decode(input.subarray(0, bad));
    const { line, column } = lineColumn(head, head.length);
    return parseProblem(
      `The file is not UTF-8 text: byte 0x${hex} at offset ${bad} (line ${line}, column ${column}) is not valid UTF-8.`,
      line,
      column,
    );
  }
  // ignoreBOM false (the default) drops a leading BOM.
  return { ok: true, text: new TextDecoder('utf-8').decode(input) };
}

/** Whether objects/arrays in `value` nest deeper than `max` (iterative: safe on any depth). */
export function nestingExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(v) ? (v as unknown[]) : Object.values(v);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}

/** Texts above this size are syntax-checked before JSON.parse, so hostile nesting allocates nothing. */
const PRECHECK_ABOVE = 1024 * 1024;

function syntaxProblem(text: string, fault: SyntaxFault): { ok: false; problem: WorkflowProblem } {
  const { line, column } = lineColumn(text, fault.pos);
  if (fault.truncated) {
    return parseProblem(
      `The file is cut short: ${fault.message} (line ${line}, column ${column}); it may have been truncated while saving or copying.`,
      line,
      column,
    );
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0 && nul <= fault.pos) {
    return parseProblem(`This is a binary file, not a workflow (a NUL character at offset ${nul}).`);
  }
  return parseProblem(
    `The file is not valid JSON: ${fault.message} at line ${line}, column ${column}.`,
    line,
    column,
  );
}

/**
 * Text → JSON value with precise 'parse' problems; never throws. Small texts go straight to the
 * native (iterative) JSON.parse and are scanned only when it fails or nests too deeply; large
 * ones are scanned first.
 */
export function parseJsonText(text: string): JsonResult {
  if (text.length > PRECHECK_ABOVE) {
    const fault = checkJsonSyntax(text, MAX_WORKFLOW_DEPTH);
    if (fault) return syntaxProblem(text, fault);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    const fault = checkJsonSyntax(text, MAX_WORKFLOW_DEPTH);
    if (fault) return syntaxProblem(text, fault);
    return parseProblem(`The file is not valid JSON: ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (nestingExceeds(value, MAX_WORKFLOW_DEPTH)) {
    const fault = checkJsonSyntax(text, MAX_WORKFLOW_DEPTH);
    if (fault) return syntaxProblem(text, fault);
    return parseProblem(`The file nests objects and arrays deeper than ${MAX_WORKFLOW_DEPTH} levels.`);
  }
  return { ok: true, value };
}
