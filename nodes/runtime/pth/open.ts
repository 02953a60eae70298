// openCheckpoint: opens a weights file as safetensors or as a PyTorch torch.save checkpoint,
// chosen by its first bytes (a torch.save file is a zip archive: "PK\x03\x04").

import { open as openFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SafetensorsFile } from '../safetensors/reader';
import { PthError, ioMessage } from './errors';
import { PthFile } from './reader';

/** What both readers offer; it lives in safetensors/checkpoint-file.ts (re-exported here). */
export type { CheckpointFile } from '../safetensors/checkpoint-file';

export type CheckpointFormat = 'safetensors' | 'pth';

/** 'pth' when the file starts like a zip archive, else 'safetensors' (whose reader then validates it). */
export async function detectCheckpointFormat(path: string): Promise<CheckpointFormat> {
  const abs = resolve(path);
  let head: Uint8Array;
  try {
    const h = await openFile(abs, 'r');
    try {
      head = new Uint8Array(4);
      const { bytesRead } = await h.read(head, 0, 4, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await h.close();
    }
  } catch (e) {
    throw new PthError(abs, `${abs}: cannot open weights file: ${ioMessage(e)}.`);
  }
  const zip =
    head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  return zip ? 'pth' : 'safetensors';
}

/** Opens a .safetensors or .pth/.pt/.bin (torch.save zip) weights file by its content. */
export async function openCheckpoint(path: string): Promise<SafetensorsFile | PthFile> {
  const format = await detectCheckpointFormat(path);
  if (format === 'pth') return PthFile.open(path);
  const abs = resolve(path);
  if (/\.(pth|pt|ckpt|bin)$/i.test(abs)) {
    // Not a zip: a legacy torch.save stream or something else; PthFile explains which.
    return PthFile.open(path);
  }
  return SafetensorsFile.open(path);
}
