import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  decodeImage,
  flattenAlpha,
  loadImageFile,
  sniffImageFormat,
} from '../../../nodes/runtime/image/decode';
import { jpegOrientation, orientRgb } from '../../../nodes/runtime/image/jpeg-orientation';
import { encodePngRgb } from '../../../nodes/runtime/image/png';

/** A PNG made by pngjs from raw samples (8-bit Buffer, or 16-bit values). */
function png(
  w: number,
  h: number,
  samples: number[],
  opts: { colorType: 0 | 2 | 4 | 6; bitDepth?: 8 | 16 },
): Buffer {
  const data =
    opts.bitDepth === 16
      ? Buffer.from(new Uint16Array(samples).buffer)
      : Buffer.from(Uint8Array.from(samples));
  const meta = { width: w, height: h, data } as unknown as PNG;
  return PNG.sync.write(meta, {
    colorType: opts.colorType,
    inputColorType: opts.colorType,
    inputHasAlpha: opts.colorType === 4 || opts.colorType === 6,
    bitDepth: opts.bitDepth ?? 8,
  });
}

/** Four 8×8 quadrants: red, green / blue, white; as a JPEG (quality 100). */
function quadrantJpeg(): Buffer {
  const w = 16;
  const h = 16;
  const rgba = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const q = (y < 8 ? 0 : 2) + (x < 8 ? 0 : 1);
      const c = [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
        [255, 255, 255],
      ][q];
      rgba.set([...c, 255], (y * w + x) * 4);
    }
  return jpeg.encode({ width: w, height: h, data: rgba }, 100).data;
}

/** Inserts an EXIF APP1 segment with the given orientation right after SOI. */
function withOrientation(jpg: Buffer, o: number): Buffer {
  const tiff = Buffer.from([
    0x4d,
    0x4d,
    0,
    42,
    0,
    0,
    0,
    8,
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    0,
    0,
    0,
    1,
    0,
    o,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length + 2);
  return Buffer.concat([jpg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, body, jpg.subarray(2)]);
}

const px = (b: { data: Uint8Array; width: number }, x: number, y: number) => [
  ...b.data.subarray((y * b.width + x) * 3, (y * b.width + x) * 3 + 3),
];
const near = (a: number[], b: number[], tol = 12) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

describe('PNG decode', () => {
  test('8-bit RGB comes through exactly', () => {
    const b = decodeImage(png(2, 1, [10, 20, 30, 200, 100, 0], { colorType: 2 }));
    assert.deepEqual([b.kind, b.width, b.height, b.count], ['image', 2, 1, 1]);
    assert.deepEqual([...b.data], [10, 20, 30, 200, 100, 0]);
  });

  test('alpha is composited over white by default, black on request', () => {
    // opaque red, fully transparent green, half-transparent black
    const bytes = png(3, 1, [255, 0, 0, 255, 0, 255, 0, 0, 0, 0, 0, 128], { colorType: 6 });
    assert.deepEqual([...decodeImage(bytes).data], [255, 0, 0, 255, 255, 255, 127, 127, 127]);
    assert.deepEqual([...decodeImage(bytes, { background: 'black' }).data], [255, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test('16-bit samples are rounded to 8 bits', () => {
    const b = decodeImage(png(1, 1, [65535, 32768, 257], { colorType: 2, bitDepth: 16 }));
    assert.deepEqual([...b.data], [255, 128, 1]);
  });

  test('grayscale and grayscale+alpha become RGB', () => {
    assert.deepEqual([...decodeImage(png(2, 1, [0, 77], { colorType: 0 })).data], [0, 0, 0, 77, 77, 77]);
    assert.deepEqual([...decodeImage(png(1, 1, [100, 0], { colorType: 4 })).data], [255, 255, 255]);
  });

  test('our PNG encoder round-trips', () => {
    const rgb = Uint8Array.from({ length: 5 * 3 * 3 }, (_, i) => (i * 37) % 256);
    assert.deepEqual(decodeImage(encodePngRgb(rgb, 5, 3)).data, rgb);
  });
});

describe('JPEG decode', () => {
  test('RGB JPEG decodes to the right colours', () => {
    const b = decodeImage(quadrantJpeg());
    assert.deepEqual([b.width, b.height], [16, 16]);
    assert.ok(near(px(b, 2, 2), [255, 0, 0]), String(px(b, 2, 2)));
    assert.ok(near(px(b, 13, 2), [0, 255, 0]), String(px(b, 13, 2)));
    assert.ok(near(px(b, 2, 13), [0, 0, 255]), String(px(b, 2, 13)));
  });

  test('EXIF orientation 6 (phone held upright) is applied', () => {
    const jpg = withOrientation(quadrantJpeg(), 6);
    assert.equal(jpegOrientation(jpg), 6);
    const b = decodeImage(jpg);
    // Rotated 90° clockwise: the top-left red quadrant moves to the top-right.
    assert.ok(near(px(b, 13, 2), [255, 0, 0]), String(px(b, 13, 2)));
    assert.ok(near(px(b, 2, 2), [0, 0, 255]), String(px(b, 2, 2)));
  });

  test('every orientation maps a 3×2 image as EXIF defines', () => {
    // pixels labelled 1..6 row-major: 1 2 3 / 4 5 6
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, v, v]));
    const lab = (o: number) => {
      const r = orientRgb(src, 3, 2, o);
      return [r.width, r.height, ...Array.from({ length: r.width * r.height }, (_, i) => r.data[i * 3])];
    };
    assert.deepEqual(lab(1), [3, 2, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(lab(2), [3, 2, 3, 2, 1, 6, 5, 4]);
    assert.deepEqual(lab(3), [3, 2, 6, 5, 4, 3, 2, 1]);
    assert.deepEqual(lab(4), [3, 2, 4, 5, 6, 1, 2, 3]);
    assert.deepEqual(lab(5), [2, 3, 1, 4, 2, 5, 3, 6]);
    assert.deepEqual(lab(6), [2, 3, 4, 1, 5, 2, 6, 3]);
    assert.deepEqual(lab(7), [2, 3, 6, 3, 5, 2, 4, 1]);
    assert.deepEqual(lab(8), [2, 3, 3, 6, 2, 5, 1, 4]);
  });
});

describe('bad files', () => {
  const dir = join(tmpdir(), `wan-img-${process.pid}`);
  after(() => rm(dir, { recursive: true, force: true }));

  test('unsupported formats are named', () => {
    assert.equal(sniffImageFormat(Buffer.from('GIF89a......')), 'gif');
    assert.throws(
      () => decodeImage(Buffer.from('GIF89a\x01\x00\x01\x00'), { name: 'cat.gif' }),
      /Cannot read cat\.gif: it is a GIF file; only PNG and JPEG/,
    );
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
    assert.throws(() => decodeImage(webp, { name: 'x.webp' }), /it is a WEBP file/);
    assert.throws(
      () => decodeImage(Buffer.from('hello world'), { name: 'notes.png' }),
      /notes\.png: it is not a PNG or JPEG image/,
    );
  });

  test('corrupt PNG and JPEG data give an error naming the file', () => {
    const good = png(4, 4, new Array<number>(48).fill(7), { colorType: 2 });
    const truncated = good.subarray(0, good.length - 20);
    assert.throws(
      () => decodeImage(truncated, { name: 'broken.png' }),
      /Cannot read broken\.png: the PNG data is damaged/,
    );
    const flipped = Buffer.from(good);
    flipped[40] = flipped[40] ^ 0xff; // inside IDAT: CRC mismatch
    assert.throws(() => decodeImage(flipped, { name: 'crc.png' }), /crc\.png: the PNG data is damaged/);
    const jpg = quadrantJpeg();
    assert.throws(
      () => decodeImage(jpg.subarray(0, 40), { name: 'cut.jpg' }),
      /Cannot read cut\.jpg: the JPEG data is damaged/,
    );
  });

  test('loadImageFile names the path; missing and empty files are explained', async () => {
    await mkdir(dir, { recursive: true });
    const p = join(dir, 'pic.png');
    await writeFile(p, png(1, 1, [1, 2, 3], { colorType: 2 }));
    assert.deepEqual([...(await loadImageFile(p)).data], [1, 2, 3]);
    await assert.rejects(
      loadImageFile(join(dir, 'missing.png')),
      /Cannot read image .*missing\.png: the file does not exist/,
    );
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    await assert.rejects(loadImageFile(empty), /empty\.jpg.*the file is empty/);
  });

  test('flattenAlpha keeps opaque pixels untouched', () => {
    assert.deepEqual([...flattenAlpha(Uint8Array.from([1, 2, 3, 255]))], [1, 2, 3]);
  });
});
