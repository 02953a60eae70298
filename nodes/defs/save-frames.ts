/**
 * Save Frames: writes every frame as a numbered PNG into a new folder of the output folder
 * (`frames_00001/frame_00001.png` ...). The folder appears only when complete.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { defineNode } from '../sdk';
import { encodePngRgb } from '../runtime/image/png';
import { checkImageBatch } from '../runtime/video/frame-source';
import { nextOutputPath } from '../runtime/video/output-path';

/** `frame_00001.png` (1-based; more digits when there are more than 99,999 frames). */
export function frameFileName(index: number, count: number): string {
  return `frame_${String(index + 1).padStart(Math.max(5, String(count).length), '0')}.png`;
}

export const saveFrames = defineNode({
  id: 'image.save_frames',
  version: 1,
  category: 'Image',
  title: 'Save Frames',
  description: 'Writes each frame as a PNG into a new folder in the output folder.',
  inputs: {
    images: { type: 'IMAGE', description: 'The frames to save.' },
    filename_prefix: {
      type: 'STRING',
      default: 'frames',
      description: 'Folder name before the counter (frames → frames_00001/). May name a subfolder.',
    },
  },
  outputs: {},
  output: true,
  async execute({ images, filename_prefix }, ctx) {
    checkImageBatch(images);
    ctx.throwIfAborted();
    const target = await nextOutputPath(ctx.outputDir, filename_prefix, '', 'frames');
    const tmp = join(
      dirname(target.path),
      `.${basename(target.path)}.${process.pid}-${randomBytes(4).toString('hex')}.part`,
    );
    const { width, height, count } = images;
    const frameBytes = width * height * 3;
    const names: string[] = [];
    try {
      await mkdir(tmp);
      for (let i = 0; i < count; i++) {
        ctx.throwIfAborted();
        const name = frameFileName(i, count);
        const png = encodePngRgb(images.data.subarray(i * frameBytes, (i + 1) * frameBytes), width, height);
        await writeFile(join(tmp, name), png);
        names.push(name);
        ctx.progress({ step: i + 1, total: count, message: 'saving frames' });
      }
      ctx.throwIfAborted();
      await rename(tmp, target.path);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
    const files = names.map((n) => join(target.path, n));
    ctx.log.info(`wrote ${count} PNG frame(s) to ${target.path}`);
    ctx.artifact({ kind: 'images', path: target.path, mime: 'image/png', files });
    return {};
  },
});
