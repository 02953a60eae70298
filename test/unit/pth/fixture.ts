// Test fixtures for the .pth reader: tensors from plain values, and re-exports of the pickler and
// the zip writer (fixture-pickle.ts, fixture-zip.ts).

import { DTYPE_SIZE, f32ToBf16Bits, f32ToF16Bits } from '../../../nodes/runtime/safetensors/dtypes';
import { FxStorage, FxTensor } from './fixture-pickle';
import type { FxDtype } from './fixture-pickle';

export * from './fixture-pickle';
export * from './fixture-zip';

/** Little-endian bytes of `values` as `dtype` (F16/BF16 rounded to nearest even). */
export function encodeValues(dtype: FxDtype, values: ArrayLike<number | bigint>): Uint8Array {
  const n = values.length;
  const out = new Uint8Array(n * DTYPE_SIZE[dtype]);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (dtype) {
      case 'F32':
        dv.setFloat32(i * 4, Number(v), true);
        break;
      case 'F64':
        dv.setFloat64(i * 8, Number(v), true);
        break;
      case 'F16':
        dv.setUint16(i * 2, f32ToF16Bits(Number(v)), true);
        break;
      case 'BF16':
        dv.setUint16(i * 2, f32ToBf16Bits(Number(v)), true);
        break;
      case 'I64':
        dv.setBigInt64(i * 8, BigInt(v), true);
        break;
      case 'I32':
        dv.setInt32(i * 4, Number(v), true);
        break;
      case 'I16':
        dv.setInt16(i * 2, Number(v), true);
        break;
      case 'I8':
        dv.setInt8(i, Number(v));
        break;
      case 'U8':
      case 'BOOL':
        dv.setUint8(i, Number(v));
        break;
    }
  }
  return out;
}

/** Row-major strides of a shape. */
export function contiguousStride(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** A contiguous tensor with its own storage. */
export function fxTensor(
  dtype: FxDtype,
  shape: number[],
  values: ArrayLike<number | bigint>,
  parameter = false,
): FxTensor {
  return new FxTensor(
    new FxStorage(dtype, encodeValues(dtype, values)),
    0,
    shape,
    contiguousStride(shape),
    parameter,
  );
}
