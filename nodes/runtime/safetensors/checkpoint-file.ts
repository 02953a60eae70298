// CheckpointFile: what every weights-file reader offers (SafetensorsFile for .safetensors, PthFile
// for torch.save .pth/.pt archives). Code that only reads tensor tables and tensor bytes takes this
// interface, so it works on either format; `openCheckpoint` (runtime/pth/open.ts) picks the reader.

import type { StTensorInfo } from './header';

export interface CheckpointFile {
  /** absolute path */
  readonly path: string;
  /** string metadata stored with the tensors */
  readonly metadata: Record<string, string>;
  /** tensor table; begin/end are absolute byte offsets in the file (usable as ONNX external data) */
  readonly tensors: ReadonlyMap<string, StTensorInfo>;
  /** file size in bytes */
  readonly size: number;
  has(name: string): boolean;
  /** tensor table entry; throws an error naming the file and the tensor when absent */
  info(name: string): StTensorInfo;
  numel(name: string): number;
  readRaw(name: string): Promise<Buffer>;
  readF32(name: string): Promise<Float32Array>;
  readF64(name: string): Promise<Float64Array>;
  readI64(name: string): Promise<BigInt64Array>;
  readI32(name: string): Promise<Int32Array>;
  /** closes the file handle (a later read reopens it) */
  close(): Promise<void>;
}
