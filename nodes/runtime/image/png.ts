/**
 * PNG via pngjs: decode to 8-bit RGBA (16-bit samples rounded to 8 bits, grayscale and palette
 * expanded, tRNS turned into alpha) and encode 8-bit RGB frames.
 */
import { PNG } from 'pngjs';

export interface Rgba {
  width: number;
  height: number;
  /** width*height*4 bytes. */
  data: Uint8Array;
}

/** Decodes a PNG file's bytes; throws pngjs's reason for corrupt data. */
export function decodePngRgba(bytes: Uint8Array): Rgba {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return {
    width: png.width,
    height: png.height,
    data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
  };
}

export interface EncodePngOptions {
  /** zlib level 0–9; default 6 (level 9 is several times slower for a few % smaller files). */
  level?: number;
  /** PNG row filter: -1 tries all five per row (smallest, slowest); default 4 (Paeth) for photos. */
  filter?: -1 | 0 | 1 | 2 | 3 | 4;
}

/** Encodes one RGB frame (width*height*3 bytes) as an 8-bit RGB PNG. */
export function encodePngRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  opts: EncodePngOptions = {},
): Buffer {
  if (rgb.length !== width * height * 3) {
    throw new Error(`Cannot encode a PNG: ${rgb.length} bytes do not make a ${width}×${height} RGB image.`);
  }
  // pngjs's sync writer only reads width, height and data from its first argument.
  const meta = {
    width,
    height,
    data: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength),
  } as unknown as PNG;
  return PNG.sync.write(meta, {
    colorType: 2,
    inputColorType: 2,
    inputHasAlpha: false,
    bitDepth: 8,
    deflateLevel: opts.level ?? 6,
    filterType: opts.filter ?? 4,
  });
}
