// The error every pth-reader failure throws. It extends SafetensorsError so code that already
// handles checkpoint-reading errors (layout detection, loaders) treats both formats alike.

import { SafetensorsError } from '../safetensors/reader';

export class PthError extends SafetensorsError {
  constructor(file: string, message: string, tensor?: string) {
    super(file, message, tensor);
    this.name = 'PthError';
  }
}

/** A readable sentence for an I/O error from node:fs. */
export function ioMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'the file does not exist';
  if (err?.code === 'EISDIR') return 'it is a folder, not a file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  return err?.message ?? String(e);
}
