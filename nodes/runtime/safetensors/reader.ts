// Reader for .safetensors files: validates the header on open, then reads single tensors with
// positioned reads on a file handle (the file is never read whole). Tensor lookup, reads and dtype
// conversion live in TensorFileBase (tensor-file.ts), shared with the .pth reader.

import { resolve } from 'node:path';
import { ioMessage, readExactly, readFailure } from './file-io';
import type { FileFormatErrors } from './file-io';
import { SafetensorsError, checkHeaderLength, parseHeader } from './header';
import { TensorFileBase, openTensorFile } from './tensor-file';
import type { OpenedTensorFile } from './tensor-file';
import type { CheckpointFile } from './checkpoint-file';

export type { StDtype } from './dtypes';
export { DTYPE_SIZE } from './dtypes';
export type { StTensorInfo } from './header';
export { SafetensorsError } from './header';
export type { CheckpointFile } from './checkpoint-file';

const SAFETENSORS_FORMAT: FileFormatErrors = {
  error: (file, message, tensor) => new SafetensorsError(file, message, tensor),
  noun: 'safetensors file',
  eofNote: '(the file shrank or is truncated)',
};

export class SafetensorsFile extends TensorFileBase implements CheckpointFile {
  /** absolute offset of the first data byte */
  readonly dataStart: number;

  private constructor(opened: OpenedTensorFile, dataStart: number) {
    super(SAFETENSORS_FORMAT, opened);
    this.dataStart = dataStart;
  }

  /** Opens the file and reads + validates the header only (no tensor data is read). */
  static async open(path: string): Promise<SafetensorsFile> {
    const abs = resolve(path);
    const fail = {
      ...readFailure(SAFETENSORS_FORMAT, abs, 'the header'),
      io: (e: unknown) => new SafetensorsError(abs, `${abs}: cannot read: ${ioMessage(e)}.`),
    };
    return openTensorFile(
      SAFETENSORS_FORMAT,
      abs,
      async (handle, size) => {
        const prefix = new Uint8Array(8);
        if (size >= 8) await readExactly(handle, prefix, 0, fail);
        const headerLength = checkHeaderLength(abs, prefix, size);
        const headerBytes = new Uint8Array(headerLength);
        await readExactly(handle, headerBytes, 8, fail);
        const parsed = parseHeader(abs, headerBytes, size);
        const { metadata, tensors } = parsed;
        return new SafetensorsFile({ path: abs, size, metadata, tensors, handle }, parsed.dataStart);
      },
      (e) =>
        e instanceof SafetensorsError
          ? e
          : new SafetensorsError(abs, `${abs}: cannot read safetensors header: ${ioMessage(e)}.`),
    );
  }
}
