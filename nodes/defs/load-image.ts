/** Load Image: a PNG or JPEG from the input folder as a one-frame IMAGE. */
import { defineNode } from '../sdk';
import { loadImageFile } from '../runtime/image/decode';

export const loadImage = defineNode({
  id: 'image.load',
  version: 1,
  category: 'Image',
  title: 'Load Image',
  description:
    'Reads a PNG or JPEG (8/16-bit, grayscale, with EXIF rotation applied). Transparent areas are filled with white.',
  inputs: {
    image: {
      type: 'FILE',
      kind: 'image',
      folder: 'images',
      extensions: ['.png', '.jpg', '.jpeg'],
      default: '',
      description: 'The image file.',
    },
  },
  outputs: {
    image: { type: 'IMAGE' },
  },
  async execute({ image }, ctx) {
    if (!image) throw new Error('Load Image: no image file is selected.');
    ctx.throwIfAborted();
    return { image: await loadImageFile(image) };
  },
});
