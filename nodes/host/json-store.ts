/**
 * Small JSON files the host keeps in its data folder (settings, autosave, history), written
 * atomically: a temp file in the same folder, fsynced, then renamed over the old one, so a
 * crash or kill mid-write leaves either the old or the new content, never a torn file.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Reads and parses a JSON file; `undefined` when absent. A corrupt file is reported, not thrown. */
export async function readJsonFile(
  path: string,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false, error: `${path} cannot be read: ${(e as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `${path} is not valid JSON: ${(e as Error).message}` };
  }
}
