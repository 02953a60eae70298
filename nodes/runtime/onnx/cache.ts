/**
 * On-disk cache of generated .onnx files. ORT resolves external-data locations relative to the
 * .onnx file's folder and refuses absolute paths, `..` and symlinks leading outside that folder,
 * so each cache entry is a folder holding `model.onnx` plus HARD LINKS to the weight files
 * (a plain copy only when a hard link is impossible, e.g. another filesystem; that is logged).
 *
 * Entry key = sha256(builder version, each weight file's path + size + mtime, caller's options).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { BUILDER_VERSION, type GraphBuilder } from './builder';

export interface CachedModelOptions {
  /** Root folder of the cache (created when missing). */
  cacheDir: string;
  /** Every weight file the graph will point into (the builder's files must be among them). */
  weightFiles: string[];
  /** JSON-serialisable description of everything else the graph depends on (config, options). */
  key: unknown;
  /** Builds the graph; only called when no valid entry exists. */
  build: () => GraphBuilder | Promise<GraphBuilder>;
  /** Receives notices such as "copied weights (no hard link possible)". */
  log?: (msg: string) => void;
}

export interface CachedModel {
  /** Absolute path of the .onnx file (load it by path so external data resolves). */
  path: string;
  /** True when an existing entry was reused without building. */
  reused: boolean;
  /** The entry's key hash (its folder name). */
  hash: string;
}

interface FileId {
  path: string;
  /** The file behind any symlinks: what gets hard-linked (a link to a symlink would point outside the entry). */
  real: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

async function fileId(path: string): Promise<FileId> {
  const abs = resolve(path);
  try {
    const real = await realpath(abs);
    const s = await stat(real);
    return { path: abs, real, size: s.size, mtimeMs: Math.floor(s.mtimeMs), ino: s.ino };
  } catch {
    throw new Error(`Model weights file not found: ${abs}.`);
  }
}

/** Name of the i-th weight file inside an entry folder. */
const linkName = (i: number, file: string): string =>
  `w${i}-${basename(file).replace(/[^A-Za-z0-9_.-]/g, '_')}`;

async function isSameFile(entryPath: string, src: FileId): Promise<boolean> {
  try {
    const s = await stat(entryPath);
    // A hard link shares the inode; a copy has the same size and was made after the source changed.
    return s.ino === src.ino || (s.size === src.size && s.mtimeMs >= src.mtimeMs);
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Returns the cached .onnx for this key, building and writing it first when needed. */
export async function cachedModel(opts: CachedModelOptions): Promise<CachedModel> {
  const ids = await Promise.all(opts.weightFiles.map(fileId));
  const hash = createHash('sha256')
    .update(
      JSON.stringify({
        v: BUILDER_VERSION,
        files: ids.map((f) => [f.path, f.size, f.mtimeMs]),
        key: opts.key,
      }),
    )
    .digest('hex')
    .slice(0, 24);
  const dir = join(resolve(opts.cacheDir), hash);
  const modelPath = join(dir, 'model.onnx');
  const linked = ids.map((f, i) => join(dir, linkName(i, f.path)));

  if (await exists(modelPath)) {
    const ok = await Promise.all(ids.map((f, i) => isSameFile(linked[i], f)));
    if (ok.every(Boolean)) return { path: modelPath, reused: true, hash };
  }

  const builder = await opts.build();
  const index = new Map(ids.map((f, i) => [f.path, i]));
  for (const f of builder.weightFiles) {
    if (!index.has(resolve(f))) {
      throw new Error(
        `Internal error: graph "${builder.name}" reads ${f}, which is not among the weight files of its cache key.`,
      );
    }
  }

  await mkdir(dir, { recursive: true });
  for (let i = 0; i < ids.length; i++) {
    const src = ids[i];
    const dst = linked[i];
    if (await isSameFile(dst, src)) continue;
    // Link (or copy) under a temporary name, then rename: another process using the entry never sees it missing.
    const tmpLink = `${dst}.${process.pid}.tmp`;
    await rm(tmpLink, { force: true });
    try {
      await link(src.real, tmpLink);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      opts.log?.(
        `Could not hard-link ${src.path} into the model cache ${dir} (${code}); copying it instead (uses ${(src.size / 2 ** 20).toFixed(1)} MiB of disk). Put the cache folder on the same drive as the models to avoid this.`,
      );
      await copyFile(src.real, tmpLink, constants.COPYFILE_FICLONE);
    }
    await rename(tmpLink, dst);
  }
  const bytes = builder.toBytes({ locate: (f) => linkName(index.get(resolve(f))!, f) });
  const tmp = `${modelPath}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, modelPath);
  return { path: modelPath, reused: false, hash };
}
