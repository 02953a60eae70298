/**
 * Preview: a small PNG of one frame (first, middle or last) in `<output>/previews/`, shown by the
 * editor on the node.
 */
import { writeFile } from 'node:fs/promises';
import { defineNode } from '../sdk';
import { encodePngRgb } from '../runtime/image/png';
import { fitWithin, frameOf, resizeRgb } from '../runtime/image/resize';
import { checkImageBatch } from '../runtime/video/frame-source';
import { nextOutputPath } from '../runtime/video/output-path';

export const PREVIEW_FRAMES = ['first', 'middle', 'last'] as const;

/** Which frame index a choice picks in a batch of `count`. */
export function previewFrameIndex(choice: string, count: number): number {
  if (choice === 'first') return 0;
  if (choice === 'last') return count - 1;
  return Math.floor((count - 1) / 2);
}

export const preview = defineNode({
  id: 'image.preview',
  version: 1,
  category: 'Image',
  title: 'Preview',
  description: 'Shows one frame, scaled down, as a PNG in the output folder’s previews/ folder.',
  inputs: {
    images: { type: 'IMAGE', description: 'The frames to preview.' },
    frame: { type: 'ENUM', options: PREVIEW_FRAMES, default: 'middle', description: 'Which frame to show.' },
    max_size: {
      type: 'INT',
      default: 512,
      min: 16,
      max: 4096,
      step: 16,
      description: 'Longest side of the preview in pixels (never enlarged).',
    },
  },
  outputs: {},
  output: true,
  async execute({ images, frame, max_size }, ctx) {
    checkImageBatch(images);
    ctx.throwIfAborted();
    const one = frameOf(images, previewFrameIndex(frame, images.count));
    const size = fitWithin(one.width, one.height, max_size);
    const rgb = resizeRgb(one.data, one.width, one.height, size.width, size.height);
    const target = await nextOutputPath(ctx.outputDir, 'previews/preview', 'png', 'preview');
    await writeFile(target.path, encodePngRgb(rgb, size.width, size.height));
    ctx.artifact({ kind: 'image', path: target.path, mime: 'image/png' });
    return {};
  },
});
