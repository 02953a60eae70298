/**
 * The ONNX protobuf schema (onnx.proto beside this file), parsed once by protobufjs at run time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));

let root: protobuf.Root | undefined;

/** The parsed `onnx` package (message types are looked up as `onnx.ModelProto` etc.). */
export function onnxRoot(): protobuf.Root {
  if (!root) {
    const text = readFileSync(join(here, 'onnx.proto'), 'utf8');
    root = protobuf.parse(text, { keepCase: true }).root;
  }
  return root;
}

export function onnxType(name: 'ModelProto' | 'GraphProto' | 'TensorProto' | 'NodeProto'): protobuf.Type {
  return onnxRoot().lookupType(`onnx.${name}`);
}

/** ONNX TensorProto.DataType codes. */
export const DataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
  bfloat16: 16,
} as const;
export type DType = keyof typeof DataType;

/** AttributeProto.AttributeType codes. */
export const AttrType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

/** Encodes a plain ModelProto object (keepCase field names; int64 as number or decimal string). */
export function encodeModel(model: Record<string, unknown>): Uint8Array {
  const T = onnxType('ModelProto');
  return T.encode(T.fromObject(model)).finish();
}

/** Decodes ONNX model bytes to a plain object (int64 as strings; for tests and inspection). */
export function decodeModel(bytes: Uint8Array): Record<string, unknown> {
  const T = onnxType('ModelProto');
  return T.toObject(T.decode(bytes), { longs: String, bytes: Buffer, defaults: false });
}
