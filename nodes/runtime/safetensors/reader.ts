// Reader for .safetensors files: validates the header on open, then reads single tensors with
// positioned reads on a file handle (the file is never read whole).

import { open as openFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { resolve } from 'node:path';
import { f16Table32, isFloatDtype } from './dtypes';
import { SafetensorsError, checkHeaderLength, parseHeader } from './header';
import type { StTensorInfo } from './header';
import type { CheckpointFile } from './checkpoint-file';

export type { StDtype } from './dtypes';
export { DTYPE_SIZE } from './dtypes';
export type { StTensorInfo } from './header';
export { SafetensorsError } from './header';
export type { CheckpointFile } from './checkpoint-file';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

function swapInPlace(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'the file does not exist';
  if (err?.code === 'EISDIR') return 'it is a folder, not a file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return err?.message ?? String(e);
}

export class SafetensorsFile implements CheckpointFile {
  /** absolute path */
  readonly path: string;
  readonly metadata: Record<string, string>;
  /** in header order */
  readonly tensors: ReadonlyMap<string, StTensorInfo>;
  /** file size in bytes */
  readonly size: number;
  /** absolute offset of the first data byte */
  readonly dataStart: number;
  private handle: FileHandle | undefined;

  private constructor(
    path: string,
    size: number,
    dataStart: number,
    metadata: Record<string, string>,
    tensors: Map<string, StTensorInfo>,
    handle: FileHandle,
  ) {
    this.path = path;
    this.size = size;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.tensors = tensors;
    this.handle = handle;
  }

  /** Opens the file and reads + validates the header only (no tensor data is read). */
  static async open(path: string): Promise<SafetensorsFile> {
    const abs = resolve(path);
    let handle: FileHandle;
    try {
      handle = await openFile(abs, 'r');
    } catch (e) {
      throw new SafetensorsError(abs, `${abs}: cannot open safetensors file: ${ioMessage(e)}.`);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile())
        throw new SafetensorsError(abs, `${abs}: cannot open safetensors file: it is not a regular file.`);
      const size = st.size;
      const prefix = new Uint8Array(8);
      if (size >= 8) await readFully(handle, abs, prefix, 0);
      const headerLength = checkHeaderLength(abs, prefix, size);
      const headerBytes = new Uint8Array(headerLength);
      await readFully(handle, abs, headerBytes, 8);
      const parsed = parseHeader(abs, headerBytes, size);
      return new SafetensorsFile(abs, size, parsed.dataStart, parsed.metadata, parsed.tensors, handle);
    } catch (e) {
      await handle.close().catch(() => undefined);
      if (e instanceof SafetensorsError) throw e;
      throw new SafetensorsError(abs, `${abs}: cannot read safetensors header: ${ioMessage(e)}.`);
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Tensor table entry; throws a SafetensorsError naming the file and the tensor when absent. */
  info(name: string): StTensorInfo {
    const t = this.tensors.get(name);
    if (!t) {
      const n = this.tensors.size;
      throw new SafetensorsError(
        this.path,
        `${this.path}: tensor "${name}" is missing (the file has ${n} tensor${n === 1 ? '' : 's'}).`,
        name,
      );
    }
    return t;
  }

  /** Number of elements of a tensor. */
  numel(name: string): number {
    return this.info(name).shape.reduce((a, d) => a * d, 1);
  }

  /** The tensor's bytes exactly as stored (little-endian). */
  async readRaw(name: string): Promise<Buffer> {
    const t = this.info(name);
    const buf = Buffer.from(new ArrayBuffer(t.end - t.begin));
    await readFully(await this.fileHandle(), this.path, buf, t.begin, name);
    return buf;
  }

  /** Reads into a fresh, aligned ArrayBuffer, byte-swapped to host order. */
  private async readHost(name: string): Promise<{ info: StTensorInfo; buf: ArrayBuffer }> {
    const t = this.info(name);
    const buf = new ArrayBuffer(t.end - t.begin);
    const bytes = new Uint8Array(buf);
    await readFully(await this.fileHandle(), this.path, bytes, t.begin, name);
    if (!LITTLE_ENDIAN_HOST) {
      const w = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 }[t.dtype];
      if (w > 1) swapInPlace(bytes, w);
    }
    return { info: t, buf };
  }

  /** Any dtype as float32 (F16/BF16 exactly; F64 and integers rounded to the nearest float32). */
  async readF32(name: string): Promise<Float32Array> {
    const { info, buf } = await this.readHost(name);
    switch (info.dtype) {
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
        for (let i = 0; i < src.length; i++) out[i] = table[src[i]]!;
        return out;
      }
      case 'I64': {
        const src = new BigInt64Array(buf);
        const out = new Float32Array(src.length);
        for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
        return out;
      }
      default:
        return Float32Array.from(numericView(info, buf));
    }
  }

  /** Any dtype as float64 (exact for every dtype except I64 beyond ±2^53). */
  async readF64(name: string): Promise<Float64Array> {
    const { info, buf } = await this.readHost(name);
    if (info.dtype === 'F64') return new Float64Array(buf);
    if (info.dtype === 'F16' || info.dtype === 'BF16') return Float64Array.from(await this.readF32(name));
    if (info.dtype === 'I64') {
      const src = new BigInt64Array(buf);
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
      return out;
    }
    return Float64Array.from(numericView(info, buf));
  }

  /** Integer (or BOOL) tensor as int64; float tensors are refused. */
  async readI64(name: string): Promise<BigInt64Array> {
    const { info, buf } = await this.readHost(name);
    if (isFloatDtype(info.dtype)) {
      throw new SafetensorsError(
        this.path,
        `${this.path}: tensor "${name}" is ${info.dtype}, not an integer tensor; cannot read it as int64.`,
        name,
      );
    }
    if (info.dtype === 'I64') return new BigInt64Array(buf);
    const src = numericView(info, buf);
    const out = new BigInt64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]);
    return out;
  }

  /** Integer (or BOOL) tensor as int32; values outside the int32 range are an error. */
  async readI32(name: string): Promise<Int32Array> {
    const v = await this.readI64(name);
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x > 2147483647n || x < -2147483648n) {
        throw new SafetensorsError(
          this.path,
          `${this.path}: tensor "${name}" holds ${x} at element ${i}, outside the int32 range.`,
          name,
        );
      }
      out[i] = Number(x);
    }
    return out;
  }

  /** Closes the file handle. A later read reopens the file. */
  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await h.close();
  }

  private async fileHandle(): Promise<FileHandle> {
    if (!this.handle) {
      try {
        this.handle = await openFile(this.path, 'r');
      } catch (e) {
        throw new SafetensorsError(
          this.path,
          `${this.path}: cannot reopen safetensors file: ${ioMessage(e)}.`,
        );
      }
    }
    return this.handle;
  }
}

function numericView(info: StTensorInfo, buf: ArrayBuffer): ArrayLike<number> {
  switch (info.dtype) {
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
      throw new Error(`numericView: unexpected dtype ${info.dtype}`);
  }
}

async function readFully(
  handle: FileHandle,
  file: string,
  into: Uint8Array,
  position: number,
  tensor?: string,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(into, done, into.length - done, position + done));
    } catch (e) {
      const what = tensor === undefined ? '' : ` tensor "${tensor}"`;
      throw new SafetensorsError(file, `${file}: cannot read${what}: ${ioMessage(e)}.`, tensor);
    }
    if (n === 0) {
      const what = tensor === undefined ? 'the header' : `tensor "${tensor}"`;
      throw new SafetensorsError(
        file,
        `${file}: unexpected end of file while reading ${what} (the file shrank or is truncated).`,
        tensor,
      );
    }
    done += n;
  }
}
