/**
 * Image files → a one-frame RGB ImageBatch. PNG (8/16-bit, grayscale, palette, alpha) and JPEG
 * (baseline/progressive, grayscale, EXIF orientation applied) are read; other formats get an error
 * that names the file and the format found.
 *
 * Transparency: alpha is composited over WHITE by default — a transparent cut-out then looks as
 * it does in a browser or document viewer, rather than on black (which is what simply dropping
 * premultiplied-looking alpha gives). Pass `background: 'black'` for the other choice.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import jpeg from 'jpeg-js';
import type { ImageBatch } from '../../sdk';
import { readErrorReason } from '../fs-errors';
import { jpegOrientation, orientRgb } from './jpeg-orientation';
import { decodePngRgba } from './png';

export type ImageFormat = 'png' | 'jpeg';
export type AlphaBackground = 'white' | 'black';

export interface DecodeImageOptions {
  /** Shown in error messages (the file's path or name). */
  name?: string;
  background?: AlphaBackground;
  /** Refuse images larger than this many pixels (default 64 MP). */
  maxPixels?: number;
}

/** What the first bytes say the file is (null when unrecognised). */
export function sniffImageFormat(bytes: Uint8Array): string | null {
  const b = bytes;
  const ascii = (o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
  if (b.length >= 8 && b[0] === 0x89 && ascii(1, 3) === 'PNG') return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && ascii(0, 4) === 'GIF8') return 'gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'webp';
  if (b.length >= 2 && ascii(0, 2) === 'BM') return 'bmp';
  if (b.length >= 4 && (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*')) return 'tiff';
  if (b.length >= 12 && ascii(4, 4) === 'ftyp') {
    const brand = ascii(8, 4);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) return 'heic';
    if (/^avi[fs]$/.test(brand)) return 'avif';
    return 'mp4/mov';
  }
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'webm/mkv';
  return null;
}

/** Flattens RGBA onto a solid background; returns RGB. */
export function flattenAlpha(rgba: Uint8Array, background: AlphaBackground = 'white'): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * 3);
  const bg = background === 'white' ? 255 : 0;
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3];
    for (let c = 0; c < 3; c++) {
      const v = rgba[i * 4 + c];
      // Rounded integer blend: v*a/255 + bg*(255-a)/255.
      out[i * 3 + c] = a === 255 ? v : Math.floor((v * a + bg * (255 - a) + 127) / 255);
    }
  }
  return out;
}

/** Decodes PNG or JPEG bytes into a one-frame RGB batch; throws a sentence naming the file. */
export function decodeImage(bytes: Uint8Array, opts: DecodeImageOptions = {}): ImageBatch {
  const name = opts.name ?? 'the image';
  const maxPixels = opts.maxPixels ?? 64 * 1024 * 1024;
  const format = sniffImageFormat(bytes);
  if (bytes.length === 0) throw new Error(`Cannot read ${name}: the file is empty.`);
  if (format !== 'png' && format !== 'jpeg') {
    const what = format ? `a ${format.toUpperCase()} file` : 'not a PNG or JPEG image';
    throw new Error(`Cannot read ${name}: it is ${what}; only PNG and JPEG images are supported.`);
  }
  try {
    if (format === 'png') {
      const img = decodePngRgba(bytes);
      checkSize(img.width, img.height, maxPixels);
      return batch(img.width, img.height, flattenAlpha(img.data, opts.background));
    }
    const raw = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: 2048,
    });
    checkSize(raw.width, raw.height, maxPixels);
    if (raw.data.length !== raw.width * raw.height * 3)
      throw new Error('the decoder returned an incomplete picture');
    const upright = orientRgb(raw.data, raw.width, raw.height, jpegOrientation(bytes));
    return batch(upright.width, upright.height, upright.data);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `Cannot read ${name}: the ${format === 'png' ? 'PNG' : 'JPEG'} data is damaged or unsupported (${why}).`,
      {
        cause: e,
      },
    );
  }
}

function checkSize(w: number, h: number, maxPixels: number): void {
  if (!(w >= 1 && h >= 1)) throw new Error(`the image has no pixels (${w}×${h})`);
  if (w * h > maxPixels) throw new Error(`the image is too large (${w}×${h}; at most ${maxPixels} pixels)`);
}

function batch(width: number, height: number, data: Uint8Array): ImageBatch {
  return { kind: 'image', width, height, count: 1, data };
}

/** Reads and decodes an image file. */
export async function loadImageFile(
  path: string,
  opts: Omit<DecodeImageOptions, 'name'> = {},
): Promise<ImageBatch> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`Cannot read image ${path}: ${readErrorReason(e)}.`, { cause: e });
  }
  return decodeImage(bytes, { ...opts, name: `image ${basename(path)} (${path})` });
}
