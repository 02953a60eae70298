// Conversions of a tensor's little-endian bytes (already in host order) to float32/float64/int64,
// used by every weights-file reader: F16/BF16 exact, F64 and integers rounded to the nearest
// float32, float tensors refused as integers. Pure functions, no I/O.

import { f16Table32, isFloatDtype } from './dtypes';
import type { StDtype } from './dtypes';

function numericView(dtype: StDtype, buf: ArrayBuffer): ArrayLike<number> {
  switch (dtype) {
    case 'F64':
      return new Float64Array(buf);
    case 'F32':
      return new Float32Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'I16':
      return new Int16Array(buf);
    case 'I8':
      return new Int8Array(buf);
    case 'U8':
    case 'BOOL':
      return new Uint8Array(buf);
    default:
      throw new Error(`numericView: unexpected dtype ${dtype}`);
  }
}

export function bytesToF32(dtype: StDtype, buf: ArrayBuffer): Float32Array {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf);
    case 'BF16': {
      const src = new Uint16Array(buf);
      const out = new Float32Array(src.length);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16;
      return out;
    }
    case 'F16': {
      const src = new Uint16Array(buf);
      const table = f16Table32();
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
      return out;
    }
    case 'I64': {
      const src = new BigInt64Array(buf);
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
      return out;
    }
    default:
      return Float32Array.from(numericView(dtype, buf));
  }
}

export function bytesToF64(dtype: StDtype, buf: ArrayBuffer): Float64Array {
  if (dtype === 'F64') return new Float64Array(buf);
  if (dtype === 'F16' || dtype === 'BF16') return Float64Array.from(bytesToF32(dtype, buf));
  if (dtype === 'I64') {
    const src = new BigInt64Array(buf);
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return out;
  }
  return Float64Array.from(numericView(dtype, buf));
}

/** Integer (or BOOL) bytes as int64; returns undefined for float dtypes. */
export function bytesToI64(dtype: StDtype, buf: ArrayBuffer): BigInt64Array | undefined {
  if (isFloatDtype(dtype)) return undefined;
  if (dtype === 'I64') return new BigInt64Array(buf);
  const src = numericView(dtype, buf);
  const out = new BigInt64Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]);
  return out;
}

/** Reverses the bytes of every `width`-byte element (for big-endian hosts). */
export function swapInPlace(bytes: Uint8Array, width: number): void {
  if (width <= 1) return;
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}
