// PthFile: reads a PyTorch torch.save checkpoint (a zip archive: <name>/data.pkl + <name>/data/<key>
// storages) WITHOUT unpickling it: the pickle is parsed into plain data with an allow-list of
// globals (see torch-pickle.ts), and each tensor becomes an absolute byte range in the .pth file.
// The class has the same shape as SafetensorsFile, so ONNX external data and layout detection work
// on it unchanged.

import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CheckpointFile } from '../safetensors/checkpoint-file';
import { DTYPE_SIZE } from '../safetensors/dtypes';
import type { StTensorInfo } from '../safetensors/reader';
import { TensorFileBase, openTensorFile } from '../safetensors/tensor-file';
import type { OpenedTensorFile } from '../safetensors/tensor-file';
import { PTH_FORMAT, PthError, ioMessage } from './errors';
import { FlattenError, flattenCheckpoint } from './flatten';
import type { FlattenLimits } from './flatten';
import { PickleError, parsePickle } from './pickle';
import type { PickleLimits } from './pickle';
import { torchHooks } from './torch-pickle';
import type { TorchTensor } from './torch-pickle';
import { entryDataOffsets, readAt, readEntry, readZipDirectory } from './zip';
import type { ZipDirectory, ZipEntry } from './zip';

export { PthError } from './errors';
export type { StTensorInfo, StDtype } from '../safetensors/reader';

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

export class PthFile extends TensorFileBase implements CheckpointFile {
  /** the archive's top folder (torch writes the file's base name, or "archive") */
  readonly archiveName: string;

  // metadata: scalar values stored next to the tensors (e.g. "epoch"), as strings.
  // tensors: in pickle (state-dict) order; begin/end are absolute byte offsets in the .pth file.
  private constructor(opened: OpenedTensorFile, archiveName: string) {
    super(PTH_FORMAT, opened);
    this.archiveName = archiveName;
  }

  /** Opens the checkpoint: reads the zip directory and data.pkl only (no tensor data is read). */
  static async open(path: string, opts: PthOpenOptions = {}): Promise<PthFile> {
    const abs = resolve(path);
    return openTensorFile(
      PTH_FORMAT,
      abs,
      async (handle, size) => {
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
        return new PthFile({ path: abs, size, metadata: flat.metadata, tensors, handle }, prefix);
      },
      (e) => {
        if (e instanceof PthError) return e;
        if (e instanceof RangeError)
          return new PthError(
            abs,
            `${abs}: the checkpoint is too large or malformed to read (${e.message}).`,
          );
        return new PthError(abs, `${abs}: cannot read PyTorch checkpoint: ${ioMessage(e)}.`);
      },
    );
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
    const el = DTYPE_SIZE[t.dtype];
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
    const storageBytes = s.numel * DTYPE_SIZE[s.dtype];
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
