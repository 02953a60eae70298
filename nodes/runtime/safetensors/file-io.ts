// Positioned reads shared by the weights-file readers (safetensors, torch.save .pth): read exactly
// N bytes at an offset, and turn node:fs errors into readable sentences. Each reader supplies its
// own error class and wording, so its messages stay its own.

import type { FileHandle } from 'node:fs/promises';
import { ioMessage } from '../fs-errors';
import type { SafetensorsError } from './header';

export { ioMessage } from '../fs-errors';

/** How a weights-file format names itself and builds its errors. */
export interface FileFormatErrors {
  /** builds the format's error (SafetensorsError, or its subclass PthError) */
  error(file: string, message: string, tensor?: string): SafetensorsError;
  /** the file as named in open/reopen failures, e.g. "safetensors file" */
  noun: string;
  /** ends an end-of-file message, e.g. "(the file shrank or is truncated)" */
  eofNote: string;
}

/** What a failed positioned read throws: `io` for an OS error, `eof` when the file ends early. */
export interface ReadFailure {
  io(e: unknown): Error;
  eof(): Error;
}

/** The usual failure sentences for reading `what` (e.g. `tensor "x"`, "the zip central directory"). */
export function readFailure(
  format: FileFormatErrors,
  file: string,
  what: string,
  tensor?: string,
): ReadFailure {
  return {
    io: (e) => format.error(file, `${file}: cannot read ${what}: ${ioMessage(e)}.`, tensor),
    eof: () =>
      format.error(file, `${file}: unexpected end of file while reading ${what} ${format.eofNote}.`, tensor),
  };
}

/** Reads exactly `into.length` bytes at `position`; a short read means the file is truncated. */
export async function readExactly(
  handle: FileHandle,
  into: Uint8Array,
  position: number,
  fail: ReadFailure,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(into, done, into.length - done, position + done));
    } catch (e) {
      throw fail.io(e);
    }
    if (n === 0) throw fail.eof();
    done += n;
  }
}
