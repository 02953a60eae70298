// Parsing and validation of a safetensors header. Pure: takes the header bytes and the file size,
// returns the tensor table or throws a SafetensorsError that names the file and the tensor.

import { DTYPE_SIZE, isStDtype } from './dtypes';
import type { StDtype } from './dtypes';

export interface StTensorInfo {
  name: string;
  dtype: StDtype;
  shape: number[];
  /** absolute byte offsets in the file */
  begin: number;
  end: number;
}

export class SafetensorsError extends Error {
  readonly file: string;
  readonly tensor?: string;
  constructor(file: string, message: string, tensor?: string) {
    super(message);
    this.name = 'SafetensorsError';
    this.file = file;
    if (tensor !== undefined) this.tensor = tensor;
  }
}

/** The largest header accepted (real checkpoints have headers well under 1 MiB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface ParsedHeader {
  headerLength: number;
  /** absolute offset of the first data byte (8 + headerLength) */
  dataStart: number;
  metadata: Record<string, string>;
  tensors: Map<string, StTensorInfo>;
}

/** Throws unless the 8-byte prefix announces a plausible header; returns the header length. */
export function checkHeaderLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.length < 8) {
    throw new SafetensorsError(
      file,
      `${file}: not a safetensors file: it has ${fileSize} bytes, fewer than the 8-byte header length.`,
    );
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      file,
      `${file}: not a safetensors file (or corrupt): its header claims ${n} bytes, more than the 100 MiB limit.`,
    );
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    throw new SafetensorsError(
      file,
      `${file}: truncated or not a safetensors file: the header claims ${len} bytes but the file has only ${fileSize - 8} bytes after the length prefix.`,
    );
  }
  return len;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `the string ${JSON.stringify(v.slice(0, 40))}` : typeof v;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Parses and validates the JSON header; `headerBytes` excludes the 8-byte prefix. */
export function parseHeader(file: string, headerBytes: Uint8Array, fileSize: number): ParsedHeader {
  const headerLength = headerBytes.length;
  const dataStart = 8 + headerLength;
  const dataBytes = fileSize - dataStart;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError(file, `${file}: corrupt safetensors header: it is not valid UTF-8 text.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(
      file,
      `${file}: corrupt safetensors header: it is not valid JSON (${(e as Error).message}).`,
    );
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SafetensorsError(
      file,
      `${file}: corrupt safetensors header: expected a JSON object, got ${describe(json)}.`,
    );
  }

  const metadata: Record<string, string> = {};
  const tensors = new Map<string, StTensorInfo>();
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
        throw new SafetensorsError(
          file,
          `${file}: "__metadata__" must be an object of strings, got ${describe(entry)}.`,
        );
      }
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') {
          throw new SafetensorsError(
            file,
            `${file}: "__metadata__" entry "${k}" must be a string, got ${describe(v)}.`,
          );
        }
        metadata[k] = v;
      }
      continue;
    }
    const where = `${file}: tensor "${name}"`;
    const bad = (what: string): never => {
      throw new SafetensorsError(file, `${where} ${what}`, name);
    };
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      bad(`is ${describe(entry)}, not an object with dtype, shape and data_offsets.`);
    const e = entry as Record<string, unknown>;
    for (const key of ['dtype', 'shape', 'data_offsets']) {
      if (!(key in e)) bad(`has no "${key}".`);
    }
    const dtype = e['dtype'];
    if (!isStDtype(dtype))
      bad(
        `has unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPE_SIZE).join(', ')}).`,
      );
    const shape = e['shape'];
    if (!Array.isArray(shape) || !shape.every(isNonNegInt))
      bad(`has an invalid shape ${JSON.stringify(shape)} (expected a list of non-negative integers).`);
    const offsets = e['data_offsets'];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
      bad(`has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end]).`);
    }
    const [b, en] = offsets as [number, number];
    const dims = shape as number[];
    const dt = dtype as StDtype;
    if (en < b) bad(`has data_offsets [${b}, ${en}] that end before they begin.`);
    if (en > dataBytes) bad(`ends at byte ${en} but the file has ${dataBytes} data bytes (truncated file?).`);
    const numel = dims.reduce((a, d) => a * d, 1);
    const expected = numel * DTYPE_SIZE[dt];
    if (expected !== en - b) {
      bad(
        `has shape [${dims.join(', ')}] of ${dt}, which needs ${expected} bytes, but its data_offsets [${b}, ${en}] span ${en - b} bytes.`,
      );
    }
    tensors.set(name, { name, dtype: dt, shape: [...dims], begin: dataStart + b, end: dataStart + en });
  }

  // Overlap check (gaps between tensors are allowed).
  const sorted = [...tensors.values()].filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (cur.begin < prev.end) {
      throw new SafetensorsError(
        file,
        `${file}: tensor "${cur.name}" (data bytes ${cur.begin - dataStart}..${cur.end - dataStart}) overlaps tensor "${prev.name}" (data bytes ${prev.begin - dataStart}..${prev.end - dataStart}).`,
        cur.name,
      );
    }
  }
  return { headerLength, dataStart, metadata, tensors };
}
