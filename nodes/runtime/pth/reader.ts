// PthFile: reads a PyTorch torch.save checkpoint (a zip archive: <name>/data.pkl + <name>/data/<key>
// storages) WITHOUT unpickling it: the pickle is parsed into plain data with an allow-list of
// globals (see torch-pickle.ts), and each tensor becomes an absolute byte range in the .pth file.
// The class has the same shape as SafetensorsFile, so ONNX external data and layout detection work
// on it unchanged.

import { open as openFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { resolve } from 'node:path';
import type { CheckpointFile } from '../safetensors/checkpoint-file';
import type { StTensorInfo } from '../safetensors/reader';
import { bytesToF32, bytesToF64, bytesToI64, swapInPlace } from './convert';
import { PthError, ioMessage } from './errors';
import { FlattenError, flattenCheckpoint } from './flatten';
import type { FlattenLimits } from './flatten';
import { PickleError, parsePickle } from './pickle';
import type { PickleLimits } from './pickle';
import { ELEMENT_SIZE, torchHooks } from './torch-pickle';
import type { TorchTensor } from './torch-pickle';
import { entryDataOffsets, readAt, readEntry, readZipDirectory } from './zip';
import type { ZipDirectory, ZipEntry } from './zip';

export { PthError } from './errors';
export type { StTensorInfo, StDtype } from '../safetensors/reader';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export interface PthOpenOptions {
  /** largest data.pkl read into memory (default 256 MiB; real checkpoints need well under 1 MiB) */
  maxPickleBytes?: number;
  pickleLimits?: Partial<PickleLimits>;
  flattenLimits?: Partial<FlattenLimits>;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

async function locatePickle(
  handle: FileHandle,
  file: string,
  size: number,
  dir: ZipDirectory,
): Promise<{ prefix: string; pkl: ZipEntry }> {
  const first = dir.entries[0];
  if (!first) throw new PthError(file, `${file}: the zip archive is empty; it is not a PyTorch checkpoint.`);
  const slash = first.name.indexOf('/');
  let prefix = slash > 0 ? first.name.slice(0, slash) : '';
  let pkl = dir.byName.get(`${prefix}/data.pkl`);
  if (!pkl) {
    const candidates = dir.entries.filter((e) => /^[^/]+\/data\.pkl$/.test(e.name));
    if (candidates.length === 1) {
      pkl = candidates[0];
      prefix = pkl.name.slice(0, pkl.name.indexOf('/'));
    }
  }
  if (!pkl) {
    const torchScript = dir.entries.some((e) => e.name.endsWith('/constants.pkl'));
    throw new PthError(
      file,
      torchScript
        ? `${file}: this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; it cannot be loaded as weights.`
        : `${file}: the zip archive has no <name>/data.pkl entry, so it is not a torch.save checkpoint.`,
    );
  }
  const bo = dir.byName.get(`${prefix}/byteorder`);
  if (bo) {
    const text = new TextDecoder().decode(await readEntry(handle, file, bo, size, 16)).trim();
    if (text === 'big')
      throw new PthError(
        file,
        `${file}: the checkpoint was saved on a big-endian machine; only little-endian checkpoints are supported.`,
      );
    if (text !== 'little')
      throw new PthError(file, `${file}: the checkpoint's byteorder record says "${text}".`);
  }
  return { prefix, pkl };
}

export class PthFile implements CheckpointFile {
  /** absolute path */
  readonly path: string;
  /** scalar values stored next to the tensors (e.g. "epoch"), as strings */
  readonly metadata: Record<string, string>;
  /** in pickle (state-dict) order; begin/end are absolute byte offsets in the .pth file */
  readonly tensors: ReadonlyMap<string, StTensorInfo>;
  /** file size in bytes */
  readonly size: number;
  /** the archive's top folder (torch writes the file's base name, or "archive") */
  readonly archiveName: string;
  private handle: FileHandle | undefined;

  private constructor(
    path: string,
    size: number,
    archiveName: string,
    metadata: Record<string, string>,
    tensors: Map<string, StTensorInfo>,
    handle: FileHandle,
  ) {
    this.path = path;
    this.size = size;
    this.archiveName = archiveName;
    this.metadata = metadata;
    this.tensors = tensors;
    this.handle = handle;
  }

  /** Opens the checkpoint: reads the zip directory and data.pkl only (no tensor data is read). */
  static async open(path: string, opts: PthOpenOptions = {}): Promise<PthFile> {
    const abs = resolve(path);
    let handle: FileHandle;
    try {
      handle = await openFile(abs, 'r');
    } catch (e) {
      throw new PthError(abs, `${abs}: cannot open PyTorch checkpoint: ${ioMessage(e)}.`);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile())
        throw new PthError(abs, `${abs}: cannot open PyTorch checkpoint: it is not a regular file.`);
      const size = st.size;
      const head = new Uint8Array(Math.min(4, size));
      await readAt(handle, abs, head, 0, 'the file header');
      if (!ZIP_MAGIC.every((b, i) => head[i] === b)) {
        throw new PthError(
          abs,
          head[0] === 0x80
            ? `${abs}: this checkpoint uses PyTorch's legacy (pre-1.6, non-zip) format, which is not supported; re-save it with a recent torch.save or convert it to .safetensors.`
            : `${abs}: not a PyTorch checkpoint (a torch.save file is a zip archive starting with "PK").`,
        );
      }
      const dir = await readZipDirectory(handle, abs, size);
      const { prefix, pkl } = await locatePickle(handle, abs, size, dir);
      const pklBytes = await readEntry(handle, abs, pkl, size, opts.maxPickleBytes ?? 256 * 1024 * 1024);
      let flat;
      try {
        const root = parsePickle(pklBytes, torchHooks(abs), opts.pickleLimits);
        flat = flattenCheckpoint(root, opts.flattenLimits);
      } catch (e) {
        if (e instanceof PickleError || e instanceof FlattenError)
          throw new PthError(abs, `${abs}: ${pkl.name}: ${e.message.replace(/\.?$/, '.')}`);
        throw e;
      }
      const tensors = await placeTensors(handle, abs, size, dir, prefix, flat.tensors);
      return new PthFile(abs, size, prefix, flat.metadata, tensors, handle);
    } catch (e) {
      await handle.close().catch(() => undefined);
      if (e instanceof PthError) throw e;
      if (e instanceof RangeError)
        throw new PthError(abs, `${abs}: the checkpoint is too large or malformed to read (${e.message}).`);
      throw new PthError(abs, `${abs}: cannot read PyTorch checkpoint: ${ioMessage(e)}.`);
    }
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  /** Tensor table entry; throws a PthError naming the file and the tensor when absent. */
  info(name: string): StTensorInfo {
    const t = this.tensors.get(name);
    if (!t) {
      const n = this.tensors.size;
      throw new PthError(
        this.path,
        `${this.path}: tensor "${name}" is missing (the file has ${n} tensor${n === 1 ? '' : 's'}).`,
        name,
      );
    }
    return t;
  }

  numel(name: string): number {
    return this.info(name).shape.reduce((a, d) => a * d, 1);
  }

  /** The tensor's bytes exactly as stored (little-endian). */
  async readRaw(name: string): Promise<Buffer> {
    const t = this.info(name);
    const buf = Buffer.from(new ArrayBuffer(t.end - t.begin));
    await readAt(await this.fileHandle(), this.path, buf, t.begin, `tensor "${name}"`, name);
    return buf;
  }

  private async readHost(name: string): Promise<{ info: StTensorInfo; buf: ArrayBuffer }> {
    const t = this.info(name);
    const buf = new ArrayBuffer(t.end - t.begin);
    const bytes = new Uint8Array(buf);
    await readAt(await this.fileHandle(), this.path, bytes, t.begin, `tensor "${name}"`, name);
    if (!LITTLE_ENDIAN_HOST) swapInPlace(bytes, ELEMENT_SIZE[t.dtype]);
    return { info: t, buf };
  }

  /** Any dtype as float32 (F16/BF16 exactly; F64 and integers rounded to the nearest float32). */
  async readF32(name: string): Promise<Float32Array> {
    const { info, buf } = await this.readHost(name);
    return bytesToF32(info.dtype, buf);
  }

  /** Any dtype as float64. */
  async readF64(name: string): Promise<Float64Array> {
    const { info, buf } = await this.readHost(name);
    return bytesToF64(info.dtype, buf);
  }

  /** Integer (or BOOL) tensor as int64; float tensors are refused. */
  async readI64(name: string): Promise<BigInt64Array> {
    const { info, buf } = await this.readHost(name);
    const out = bytesToI64(info.dtype, buf);
    if (!out)
      throw new PthError(
        this.path,
        `${this.path}: tensor "${name}" is ${info.dtype}, not an integer tensor; cannot read it as int64.`,
        name,
      );
    return out;
  }

  /** Integer (or BOOL) tensor as int32; values outside the int32 range are an error. */
  async readI32(name: string): Promise<Int32Array> {
    const v = await this.readI64(name);
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x > 2147483647n || x < -2147483648n)
        throw new PthError(
          this.path,
          `${this.path}: tensor "${name}" holds ${x} at element ${i}, outside the int32 range.`,
          name,
        );
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
        throw new PthError(this.path, `${this.path}: cannot reopen PyTorch checkpoint: ${ioMessage(e)}.`);
      }
    }
    return this.handle;
  }
}

/** Turns each tensor's (storage, offset, shape, stride) into an absolute byte range, checking it. */
async function placeTensors(
  handle: FileHandle,
  file: string,
  fileSize: number,
  dir: ZipDirectory,
  prefix: string,
  tensors: Map<string, TorchTensor>,
): Promise<Map<string, StTensorInfo>> {
  // Which archive entry holds each storage (a missing one is named with the first tensor using it).
  const entryOf = new Map<string, ZipEntry>();
  for (const [name, t] of tensors) {
    const entryName = `${prefix}/data/${t.storage.key}`;
    if (entryOf.has(t.storage.key)) continue;
    const entry = dir.byName.get(entryName);
    if (!entry) {
      throw new PthError(
        file,
        `${file}: tensor "${name}" needs storage "${entryName}", which is missing from the archive (the file is incomplete or corrupt).`,
        name,
      );
    }
    entryOf.set(t.storage.key, entry);
  }
  const starts = await entryDataOffsets(handle, file, [...entryOf.values()], fileSize);
  const out = new Map<string, StTensorInfo>();
  for (const [name, t] of tensors) {
    const fail = (msg: string): PthError => new PthError(file, `${file}: tensor "${name}" ${msg}`, name);
    const el = ELEMENT_SIZE[t.dtype];
    const numel = t.shape.reduce((a, d) => a * d, 1);
    if (!Number.isSafeInteger(numel * el))
      throw fail(`has shape [${t.shape.join(', ')}], too large to address.`);
    if (t.stride.length !== t.shape.length)
      throw fail(
        `has ${t.shape.length} dimensions but ${t.stride.length} strides (the checkpoint is corrupt).`,
      );
    if (numel > 0) {
      let expected = 1;
      for (let i = t.shape.length - 1; i >= 0; i--) {
        if (t.shape[i] !== 1 && t.stride[i] !== expected) {
          throw fail(
            `is a non-contiguous view (shape [${t.shape.join(', ')}], stride [${t.stride.join(', ')}]); only contiguous tensors can be read in place. Re-save the checkpoint with contiguous tensors or convert it to .safetensors.`,
          );
        }
        expected *= t.shape[i];
      }
    }
    const s = t.storage;
    const entry = entryOf.get(s.key)!;
    const entryName = entry.name;
    const start = starts.get(entry)!;
    const storageBytes = s.numel * ELEMENT_SIZE[s.dtype];
    if (entry.size < storageBytes) {
      throw fail(
        `uses storage "${entryName}", which holds ${entry.size} bytes although the pickle declares ${storageBytes} (the file is corrupt).`,
      );
    }
    const begin = t.offset * el;
    const end = begin + numel * el;
    if (!Number.isSafeInteger(end) || end > storageBytes) {
      throw fail(
        `extends past its storage: it needs bytes ${begin}–${end} of storage "${entryName}", which has ${storageBytes} (the file is corrupt).`,
      );
    }
    out.set(name, {
      name,
      dtype: t.dtype,
      shape: [...t.shape],
      begin: start + begin,
      end: start + end,
    });
  }
  return out;
}
