/**
 * A run held on purpose, for tests that need one running for as long as they like: Load Image
 * reading a named pipe (FIFO) blocks until the test writes the image into it. The product has no
 * test-only code for this; it is an ordinary file read that waits for its data.
 */
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';

export const FIFO_SUPPORTED = process.platform !== 'win32';

function tinyPng(): Buffer {
  const png = new PNG({ width: 8, height: 6 });
  png.data.fill(180);
  return PNG.sync.write(png);
}

export class HeldInput {
  private readonly bytes = tinyPng();
  constructor(readonly path: string) {}

  /** A fresh pipe (new inode and mtime, so the engine does not reuse an earlier read from its cache). */
  async create(): Promise<void> {
    await rm(this.path, { force: true });
    await new Promise((r) => setTimeout(r, 20));
    execFileSync('mkfifo', [this.path]);
  }

  /** Writes the image once a reader is waiting on the pipe; false when none is. */
  tryRelease(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENXIO' || (e as NodeJS.ErrnoException).code === 'ENOENT')
        return false;
      throw e;
    }
    try {
      writeSync(fd, this.bytes);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Lets the waiting read finish (waits up to `timeoutMs` for the reader to arrive). */
  async release(timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.tryRelease()) {
      if (Date.now() > end) throw new Error(`Nothing read ${this.path} within ${timeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
