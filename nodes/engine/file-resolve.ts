/**
 * Where a FILE input's value points. Absolute paths are used as they are; a relative name is
 * tried against each root configured for the input's folder kind, in order, then against the
 * workflow's base directory (the folder of the workflow file, or the current directory).
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { FileFolder } from '../sdk/define';

/** What a file's cache identity is made of. */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
}

export type FileResolution = { found: FileIdentity } | { found?: undefined; tried: string[] };

export function candidatePaths(
  name: string,
  folder: FileFolder,
  folders: Partial<Record<FileFolder, readonly string[]>>,
  baseDir: string,
): string[] {
  if (isAbsolute(name)) return [name];
  const roots = [...(folders[folder] ?? []), baseDir];
  const out: string[] = [];
  for (const r of roots) {
    const p = resolve(r, name);
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

export function resolveFile(
  name: string,
  folder: FileFolder,
  folders: Partial<Record<FileFolder, readonly string[]>>,
  baseDir: string,
): FileResolution {
  const tried = candidatePaths(name, folder, folders, baseDir);
  for (const p of tried) {
    let st;
    try {
      st = statSync(p, { throwIfNoEntry: false });
    } catch {
      continue; // ENOTDIR, EACCES...: not usable here, try the next place
    }
    if (st) return { found: { path: p, size: st.size, mtimeMs: st.mtimeMs } };
  }
  return { tried };
}
