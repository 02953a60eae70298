// TensorFileBase: what SafetensorsFile and PthFile share once a file's tensor table is known —
// tensor lookup, positioned reads of one tensor's bytes, dtype conversion, and a file handle that
// is reopened after close(). Each subclass parses its own format and passes its FileFormatErrors,
// so its error class and wording stay its own.

import { open as openFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import type { CheckpointFile } from './checkpoint-file';
import { bytesToF32, bytesToF64, bytesToI64, swapInPlace } from './convert';
import { DTYPE_SIZE } from './dtypes';
import { ioMessage, readExactly, readFailure } from './file-io';
import type { FileFormatErrors } from './file-io';
import type { StTensorInfo } from './header';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * Opens `abs` for reading, checks it is a regular file and runs `parse` on it. When `parse` (or the
 * check) fails the handle is closed and `wrap(error)` is thrown instead.
 */
export async function openTensorFile<T>(
  format: FileFormatErrors,
  abs: string,
  parse: (handle: FileHandle, size: number) => Promise<T>,
  wrap: (e: unknown) => Error,
): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await openFile(abs, 'r');
  } catch (e) {
    throw format.error(abs, `${abs}: cannot open ${format.noun}: ${ioMessage(e)}.`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw format.error(abs, `${abs}: cannot open ${format.noun}: it is not a regular file.`);
    return await parse(handle, st.size);
  } catch (e) {
    await handle.close().catch(() => undefined);
    throw wrap(e);
  }
}

/** What a subclass has parsed when it constructs the base: the file, its tensors, its open handle. */
export interface OpenedTensorFile {
  /** absolute path */
  path: string;
  size: number;
  metadata: Record<string, string>;
  tensors: Map<string, StTensorInfo>;
  handle: FileHandle;
}

export abstract class TensorFileBase implements CheckpointFile {
  /** absolute path */
  readonly path: string;
  readonly metadata: Record<string, string>;
  /** tensor table; begin/end are absolute byte offsets in the file */
  readonly tensors: ReadonlyMap<string, StTensorInfo>;
  /** file size in bytes */
  readonly size: number;
  private handle: FileHandle | undefined;
  readonly #format: FileFormatErrors;

  protected constructor(format: FileFormatErrors, opened: OpenedTensorFile) {
    this.#format = format;
    this.path = opened.path;
    this.size = opened.size;
    this.metadata = opened.metadata;
    this.tensors = opened.tensors;
    this.handle = opened.handle;
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Tensor table entry; throws the format's error naming the file and the tensor when absent. */
  info(name: string): StTensorInfo {
    const t = this.tensors.get(name);
    if (!t) {
      const n = this.tensors.size;
      throw this.#format.error(
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
    await this.readTensorBytes(name, buf, t.begin);
    return buf;
  }

  /** Any dtype as float32 (F16/BF16 exactly; F64 and integers rounded to the nearest float32). */
  async readF32(name: string): Promise<Float32Array> {
    const { info, buf } = await this.readHost(name);
    return bytesToF32(info.dtype, buf);
  }

  /** Any dtype as float64 (exact for every dtype except I64 beyond ±2^53). */
  async readF64(name: string): Promise<Float64Array> {
    const { info, buf } = await this.readHost(name);
    return bytesToF64(info.dtype, buf);
  }

  /** Integer (or BOOL) tensor as int64; float tensors are refused. */
  async readI64(name: string): Promise<BigInt64Array> {
    const { info, buf } = await this.readHost(name);
    const out = bytesToI64(info.dtype, buf);
    if (!out) {
      throw this.#format.error(
        this.path,
        `${this.path}: tensor "${name}" is ${info.dtype}, not an integer tensor; cannot read it as int64.`,
        name,
      );
    }
    return out;
  }

  /** Integer (or BOOL) tensor as int32; values outside the int32 range are an error. */
  async readI32(name: string): Promise<Int32Array> {
    const v = await this.readI64(name);
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x > 2147483647n || x < -2147483648n) {
        throw this.#format.error(
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

  /** Reads into a fresh, aligned ArrayBuffer, byte-swapped to host order. */
  private async readHost(name: string): Promise<{ info: StTensorInfo; buf: ArrayBuffer }> {
    const t = this.info(name);
    const buf = new ArrayBuffer(t.end - t.begin);
    const bytes = new Uint8Array(buf);
    await this.readTensorBytes(name, bytes, t.begin);
    if (!LITTLE_ENDIAN_HOST) swapInPlace(bytes, DTYPE_SIZE[t.dtype]);
    return { info: t, buf };
  }

  private async readTensorBytes(name: string, into: Uint8Array, position: number): Promise<void> {
    const fail = readFailure(this.#format, this.path, `tensor "${name}"`, name);
    await readExactly(await this.fileHandle(), into, position, fail);
  }

  private async fileHandle(): Promise<FileHandle> {
    if (!this.handle) {
      try {
        this.handle = await openFile(this.path, 'r');
      } catch (e) {
        throw this.#format.error(
          this.path,
          `${this.path}: cannot reopen ${this.#format.noun}: ${ioMessage(e)}.`,
        );
      }
    }
    return this.handle;
  }
}
