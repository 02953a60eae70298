// Writer for .safetensors files (tests, tiny fixtures, small caches). Tensors are packed back to back
// in the given order after a JSON header padded with spaces to a multiple of 8 bytes.

import { writeFile } from 'node:fs/promises';
import { DTYPE_SIZE, f32ToBf16Bits, f32ToF16Bits } from './dtypes';
import type { StDtype } from './dtypes';

export type WritableData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint16Array
  | Uint8Array
  | readonly number[];

export interface WritableTensor {
  dtype: StDtype;
  shape: number[];
  /**
   * Values, converted to `dtype` (F16/BF16 from numbers round to nearest even). Two raw forms:
   * a `Uint8Array` is always taken as the stored bytes, and a `Uint16Array` for F16/BF16 as the bit patterns.
   */
  data: WritableData;
}

function encode(name: string, t: WritableTensor): Uint8Array {
  const numel = t.shape.reduce((a, d) => a * d, 1);
  const nbytes = numel * DTYPE_SIZE[t.dtype];
  const fail = (msg: string): never => {
    throw new Error(`writeSafetensors: tensor "${name}": ${msg}`);
  };
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`invalid shape [${t.shape.join(', ')}]`);
  if (t.data instanceof Uint8Array) {
    if (t.data.length !== nbytes)
      fail(`${t.data.length} raw bytes given, shape [${t.shape.join(', ')}] of ${t.dtype} needs ${nbytes}`);
    return t.data;
  }
  if (t.data.length !== numel)
    fail(`${t.data.length} values given, shape [${t.shape.join(', ')}] needs ${numel}`);
  const out = new ArrayBuffer(nbytes);
  const dv = new DataView(out);
  const src = t.data;
  const rawBits = src instanceof Uint16Array && (t.dtype === 'F16' || t.dtype === 'BF16');
  const num = (i: number): number => Number(src[i]);
  for (let i = 0; i < numel; i++) {
    switch (t.dtype) {
      case 'F64':
        dv.setFloat64(i * 8, num(i), true);
        break;
      case 'F32':
        dv.setFloat32(i * 4, num(i), true);
        break;
      case 'F16':
        dv.setUint16(i * 2, rawBits ? num(i) : f32ToF16Bits(num(i)), true);
        break;
      case 'BF16':
        dv.setUint16(i * 2, rawBits ? num(i) : f32ToBf16Bits(num(i)), true);
        break;
      case 'I64':
        dv.setBigInt64(
          i * 8,
          typeof src[i] === 'bigint' ? (src[i] as bigint) : BigInt(Math.trunc(num(i))),
          true,
        );
        break;
      case 'I32':
        dv.setInt32(i * 4, num(i), true);
        break;
      case 'I16':
        dv.setInt16(i * 2, num(i), true);
        break;
      case 'I8':
        dv.setInt8(i, num(i));
        break;
      case 'U8':
        dv.setUint8(i, num(i));
        break;
      case 'BOOL':
        dv.setUint8(i, num(i) ? 1 : 0);
        break;
    }
  }
  return new Uint8Array(out);
}

/** Serialises tensors (in the record's order) to safetensors bytes. */
export function encodeSafetensors(
  tensors: Record<string, WritableTensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__')
      throw new Error('writeSafetensors: "__metadata__" is reserved and cannot be a tensor name');
    const bytes = encode(name, t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const rawLen = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - (rawLen % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** Writes a .safetensors file. */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, WritableTensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFile(path, encodeSafetensors(tensors, metadata));
}
