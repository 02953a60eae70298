/** A sampler preview (first frame of an ImageBatch) as a PNG data URL for UIs. */
import { PNG } from 'pngjs';
import type { ImageBatch } from '../sdk/values';

export function previewToDataUrl(img: ImageBatch): string {
  const png = new PNG({ width: img.width, height: img.height });
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    png.data[i * 4] = img.data[i * 3]!;
    png.data[i * 4 + 1] = img.data[i * 3 + 1]!;
    png.data[i * 4 + 2] = img.data[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  return 'data:image/png;base64,' + PNG.sync.write(png).toString('base64');
}
