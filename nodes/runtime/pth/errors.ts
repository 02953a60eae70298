// The error every pth-reader failure throws. It extends SafetensorsError so code that already
// handles checkpoint-reading errors (layout detection, loaders) treats both formats alike.

import type { FileFormatErrors } from '../safetensors/file-io';
import { SafetensorsError } from '../safetensors/reader';

export { ioMessage } from '../safetensors/file-io';

export class PthError extends SafetensorsError {
  constructor(file: string, message: string, tensor?: string) {
    super(file, message, tensor);
    this.name = 'PthError';
  }
}

/** How the pth reader names its files and builds its errors (see TensorFileBase). */
export const PTH_FORMAT: FileFormatErrors = {
  error: (file, message, tensor) => new PthError(file, message, tensor),
  noun: 'PyTorch checkpoint',
  eofNote: '(the file is truncated or shrank)',
};
