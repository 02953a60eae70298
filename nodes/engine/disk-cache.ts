/**
 * The on-disk result cache for nodes marked `persist: true`: one file per signature,
 * `<dir>/<signature>.wsr`, encoded by value-codec.
 *
 * - Writes go to a unique temp name in the same folder, are flushed, then renamed over the
 *   final name: a reader sees a whole old entry, a whole new one, or none. Two processes writing
 *   one key both produce whole files; the last rename wins.
 * - A read that fails to decode (torn, truncated, corrupt, wrong key) is a miss and the file is
 *   deleted.
 * - A hit touches the file's mtime; when the folder grows past `maxBytes`, the entries with the
 *   oldest mtime go first. Temp files older than an hour (a crashed writer) are removed then too.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../sdk/define';
import { CodecError, decodeValue, encodeValue } from './value-codec';

export const DEFAULT_DISK_CACHE_DIR = join(homedir(), '.cache', 'wan-studio', 'results');
const EXT = '.wsr';
const STALE_TEMP_MS = 60 * 60 * 1000;
const KEY_RE = /^[A-Za-z0-9_-]{1,128}$/;

export interface DiskCacheOptions {
  dir: string;
  maxBytes: number;
  logger?: Logger;
}

export class DiskCache {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly log?: Logger;
  private ready: Promise<void> | undefined;

  constructor(opts: DiskCacheOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes;
    this.log = opts.logger;
  }

  pathFor(key: string): string {
    if (!KEY_RE.test(key)) throw new Error(`Invalid disk cache key "${key}".`);
    return join(this.dir, key + EXT);
  }

  /** Whether an entry file exists (it may still turn out corrupt when read). */
  async has(key: string): Promise<boolean> {
    try {
      await stat(this.pathFor(key));
      return true;
    } catch {
      return false;
    }
  }

  /** The stored value, or undefined on a miss (absent, or unreadable and now deleted). */
  async get(key: string): Promise<{ value: unknown } | undefined> {
    const file = this.pathFor(key);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      return undefined;
    }
    try {
      const stored = decodeValue(data) as { key?: unknown; value?: unknown } | null;
      if (stored === null || typeof stored !== 'object' || stored.key !== key) {
        throw new CodecError('The entry belongs to another key.');
      }
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return { value: stored.value };
    } catch (err) {
      this.log?.warn(`Disk cache entry ${file} is unreadable and was removed: ${(err as Error).message}`);
      await unlink(file).catch(() => undefined);
      return undefined;
    }
  }

  /**
   * Writes an entry atomically. Returns false (and writes nothing) when the value cannot be
   * encoded or is larger than the whole cache. Throws on I/O errors.
   */
  async set(key: string, value: unknown): Promise<boolean> {
    const file = this.pathFor(key);
    let data: Buffer;
    try {
      data = encodeValue({ key, value });
    } catch (err) {
      if (err instanceof CodecError) {
        this.log?.debug(`Not written to the disk cache: ${err.message}`);
        return false;
      }
      throw err;
    }
    if (data.length > this.maxBytes) return false;
    await this.ensureDir();
    const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(data);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await this.evict();
    return true;
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathFor(key)).catch(() => undefined);
  }

  /** Removes every entry (and stray temp file) in the folder. */
  async clear(): Promise<void> {
    for (const name of await this.names()) {
      if (name.endsWith(EXT) || name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
    }
  }

  /** Total bytes of the entries now in the folder. */
  async totalBytes(): Promise<number> {
    let total = 0;
    for (const e of await this.entries()) total += e.size;
    return total;
  }

  /** Deletes least recently used entries until the folder fits in `maxBytes`. */
  async evict(): Promise<void> {
    const entries = await this.entries(true);
    let total = entries.reduce((n, e) => n + e.size, 0);
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      await unlink(e.path).catch(() => undefined);
      total -= e.size;
    }
  }

  private ensureDir(): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true }).then(() => undefined);
    return this.ready.catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
  }

  private async names(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch {
      return [];
    }
  }

  private async entries(
    removeStaleTemps = false,
  ): Promise<Array<{ path: string; size: number; mtimeMs: number }>> {
    const out: Array<{ path: string; size: number; mtimeMs: number }> = [];
    const now = Date.now();
    for (const name of await this.names()) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        if (!removeStaleTemps) continue;
        const st = await stat(path).catch(() => undefined);
        if (st && now - st.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
        continue;
      }
      if (!name.endsWith(EXT)) continue;
      const st = await stat(path).catch(() => undefined);
      if (st?.isFile()) out.push({ path, size: st.size, mtimeMs: st.mtimeMs });
    }
    return out;
  }
}
