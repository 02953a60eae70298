/**
 * A binary encoding for node results (JSON data + typed arrays), for the on-disk cache.
 * Never evaluates code: decoding is JSON.parse plus typed-array views, and every offset,
 * length and marker is checked. Anything malformed raises CodecError.
 *
 * Layout (little-endian):
 *   0  'WSRV'            magic
 *   4  u32 version       1
 *   8  u32 J             byte length of the JSON skeleton
 *   12 u32 crc32         of every byte after the header
 *   16 u64 P             byte length of the payload
 *   24 skeleton          UTF-8 JSON, then zero padding to a multiple of 8
 *   .. payload           typed-array bytes, each array starting at a multiple of 8
 *
 * In the skeleton, an object whose only key starts with '$' is a marker:
 *   {"$ta":[kind, offset, length]}  typed array (offset into the payload, length in elements)
 *   {"$ab":[offset, byteLength]}    ArrayBuffer
 *   {"$u":1} undefined   {"$num":"NaN"|"Infinity"|"-Infinity"|"-0"}   {"$big":"123"} bigint
 *   {"$esc":{...}}                  a plain object that itself has keys starting with '$'
 */
import { crc32 } from './crc32';

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

const MAGIC = [0x57, 0x53, 0x52, 0x56]; // 'WSRV'
const VERSION = 1;
const HEADER = 24;

const KINDS = {
  Float32Array,
  Float64Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type Kind = keyof typeof KINDS;
type TypedArray = InstanceType<(typeof KINDS)[Kind]>;
const KIND_NAMES = Object.keys(KINDS) as Kind[];

const align8 = (n: number): number => (n + 7) & ~7;

interface Chunk {
  bytes: Uint8Array;
  offset: number;
}

export function encodeValue(value: unknown): Buffer {
  const chunks: Chunk[] = [];
  let payload = 0;
  const addChunk = (bytes: Uint8Array): number => {
    const offset = align8(payload);
    chunks.push({ bytes, offset });
    payload = offset + bytes.byteLength;
    return offset;
  };

  const enc = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (Number.isNaN(v) || !Number.isFinite(v)) return { $num: String(v) };
        return Object.is(v, -0) ? { $num: '-0' } : v;
      case 'undefined':
        return { $u: 1 };
      case 'bigint':
        return { $big: v.toString() };
      case 'function':
      case 'symbol':
        throw new CodecError(`${path} is a ${typeof v}, which the disk cache cannot store.`);
    }
    if (v === null) return null;
    if (ArrayBuffer.isView(v)) {
      const kind = KIND_NAMES.find((k) => v instanceof KINDS[k]);
      if (!kind)
        throw new CodecError(`${path} is a ${v.constructor.name}, which the disk cache cannot store.`);
      const ta = v as TypedArray;
      const offset = addChunk(new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength));
      return { $ta: [kind, offset, ta.length] };
    }
    if (v instanceof ArrayBuffer) {
      return { $ab: [addChunk(new Uint8Array(v)), v.byteLength] };
    }
    if (Array.isArray(v)) {
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = enc(v[i], `${path}[${i}]`);
      return out;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      const name = (v as object).constructor?.name ?? 'object';
      throw new CodecError(`${path} is a ${name}, which the disk cache cannot store.`);
    }
    const out: Record<string, unknown> = {};
    let escape = false;
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith('$')) escape = true;
      setOwn(out, k, enc(item, `${path}.${k}`));
    }
    return escape ? { $esc: out } : out;
  };

  const skeleton = Buffer.from(JSON.stringify(enc(value, 'value')), 'utf8');
  const payloadStart = HEADER + align8(skeleton.length);
  const total = payloadStart + payload;
  const buf = Buffer.alloc(total);
  buf.set(MAGIC, 0);
  buf.writeUInt32LE(VERSION, 4);
  buf.writeUInt32LE(skeleton.length, 8);
  buf.writeBigUInt64LE(BigInt(payload), 16);
  buf.set(skeleton, HEADER);
  for (const c of chunks) buf.set(c.bytes, payloadStart + c.offset);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER)), 12);
  return buf;
}

export function decodeValue(data: Uint8Array): unknown {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < HEADER)
    throw new CodecError(`The entry is truncated (${buf.length} bytes, shorter than its header).`);
  for (let i = 0; i < 4; i++)
    if (buf[i] !== MAGIC[i]) throw new CodecError('The entry does not start with the WSRV magic.');
  const version = buf.readUInt32LE(4);
  if (version !== VERSION)
    throw new CodecError(`The entry has format version ${version}; this build reads ${VERSION}.`);
  const skeletonLength = buf.readUInt32LE(8);
  const expectedCrc = buf.readUInt32LE(12);
  const payload = buf.readBigUInt64LE(16);
  const payloadStart = HEADER + align8(skeletonLength);
  if (BigInt(buf.length) !== BigInt(payloadStart) + payload) {
    throw new CodecError(
      `The entry is ${buf.length} bytes, but its header announces ${BigInt(payloadStart) + payload}.`,
    );
  }
  if (crc32(buf.subarray(HEADER)) !== expectedCrc) throw new CodecError('The entry fails its checksum.');
  const payloadLength = Number(payload);
  let skeleton: unknown;
  try {
    skeleton = JSON.parse(buf.toString('utf8', HEADER, HEADER + skeletonLength));
  } catch {
    throw new CodecError('The entry skeleton is not valid JSON.');
  }

  const view = (kind: unknown, offset: unknown, length: unknown): TypedArray => {
    if (typeof kind !== 'string' || !(KIND_NAMES as string[]).includes(kind)) {
      throw new CodecError(`Unknown typed array kind ${JSON.stringify(kind)}.`);
    }
    const Ctor = KINDS[kind as Kind];
    const n = checkRange(offset, length, Ctor.BYTES_PER_ELEMENT, payloadLength);
    const start = buf.byteOffset + payloadStart + (offset as number);
    if (start % Ctor.BYTES_PER_ELEMENT === 0) return new Ctor(buf.buffer as ArrayBuffer, start, n);
    const copy = new Ctor(n);
    new Uint8Array(copy.buffer).set(
      buf.subarray(
        payloadStart + (offset as number),
        payloadStart + (offset as number) + n * Ctor.BYTES_PER_ELEMENT,
      ),
    );
    return copy;
  };

  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(dec);
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0].startsWith('$')) {
      const m = obj[keys[0]];
      switch (keys[0]) {
        case '$ta': {
          if (!Array.isArray(m) || m.length !== 3) throw new CodecError('Malformed typed array marker.');
          return view(m[0], m[1], m[2]);
        }
        case '$ab': {
          if (!Array.isArray(m) || m.length !== 2) throw new CodecError('Malformed ArrayBuffer marker.');
          const n = checkRange(m[0], m[1], 1, payloadLength);
          const s = payloadStart + (m[0] as number);
          return buf.buffer.slice(buf.byteOffset + s, buf.byteOffset + s + n);
        }
        case '$u':
          return undefined;
        case '$num':
          if (m === 'NaN') return NaN;
          if (m === 'Infinity') return Infinity;
          if (m === '-Infinity') return -Infinity;
          if (m === '-0') return -0;
          throw new CodecError('Malformed number marker.');
        case '$big':
          if (typeof m !== 'string' || !/^-?\d+$/.test(m)) throw new CodecError('Malformed bigint marker.');
          return BigInt(m);
        case '$esc':
          if (m === null || typeof m !== 'object' || Array.isArray(m))
            throw new CodecError('Malformed escape marker.');
          return decObject(m as Record<string, unknown>);
        default:
          throw new CodecError(`Unknown marker ${JSON.stringify(keys[0])}.`);
      }
    }
    return decObject(obj);
  };
  const decObject = (obj: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) setOwn(out, k, dec(obj[k]));
    return out;
  };
  return dec(skeleton);
}

function checkRange(offset: unknown, length: unknown, elementBytes: number, payloadLength: number): number {
  if (
    typeof offset !== 'number' ||
    typeof length !== 'number' ||
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length * elementBytes > payloadLength
  ) {
    throw new CodecError('A typed array points outside the payload.');
  }
  return length;
}

/** Assigns an own property, also for the key "__proto__" (never touching the prototype). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
