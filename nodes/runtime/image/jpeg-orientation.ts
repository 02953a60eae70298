/**
 * EXIF orientation of a JPEG (tag 0x0112 in IFD0 of the APP1 "Exif" segment), and the pixel
 * transform that shows the image upright — phone photos are stored sideways with this tag set.
 */

/** The orientation 1–8 stored in the JPEG, or 1 when absent or unreadable. */
export function jpegOrientation(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || dv.getUint16(0) !== 0xffd8) return 1;
  let p = 2;
  while (p + 4 <= bytes.length) {
    if (bytes[p] !== 0xff) return 1;
    const marker = bytes[p + 1];
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      p += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 1; // image data starts: no EXIF before it
    const len = dv.getUint16(p + 2);
    const start = p + 4;
    if (marker === 0xe1 && len >= 8 && start + 6 <= bytes.length) {
      const isExif =
        bytes[start] === 0x45 &&
        bytes[start + 1] === 0x78 &&
        bytes[start + 2] === 0x69 &&
        bytes[start + 3] === 0x66;
      if (isExif) return readTiffOrientation(dv, start + 6, Math.min(bytes.length, p + 2 + len));
    }
    p += 2 + len;
  }
  return 1;
}

function readTiffOrientation(dv: DataView, tiff: number, end: number): number {
  try {
    if (tiff + 8 > end) return 1;
    const order = dv.getUint16(tiff);
    const le = order === 0x4949;
    if (!le && order !== 0x4d4d) return 1;
    const ifd = tiff + dv.getUint32(tiff + 4, le);
    if (ifd + 2 > end) return 1;
    const n = dv.getUint16(ifd, le);
    for (let i = 0; i < n; i++) {
      const e = ifd + 2 + i * 12;
      if (e + 12 > end) return 1;
      if (dv.getUint16(e, le) === 0x0112) {
        const v = dv.getUint16(e + 8, le);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
  } catch {
    // A truncated or malformed EXIF block: treat as upright.
  }
  return 1;
}

/**
 * Applies EXIF orientation `o` to an RGB image; returns the upright pixels and size (width and
 * height swap for 5–8).
 */
export function orientRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  o: number,
): { data: Uint8Array; width: number; height: number } {
  if (o <= 1 || o > 8) return { data: rgb, width, height };
  const swap = o >= 5;
  const W = swap ? height : width;
  const H = swap ? width : height;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // (sx, sy): the stored pixel shown at (x, y).
      let sx: number;
      let sy: number;
      switch (o) {
        case 2:
          sx = width - 1 - x;
          sy = y;
          break; // mirrored
        case 3:
          sx = width - 1 - x;
          sy = height - 1 - y;
          break; // rotated 180°
        case 4:
          sx = x;
          sy = height - 1 - y;
          break; // flipped vertically
        case 5:
          sx = y;
          sy = x;
          break; // transposed
        case 6:
          sx = y;
          sy = height - 1 - x;
          break; // rotate 90° clockwise to view
        case 7:
          sx = width - 1 - y;
          sy = height - 1 - x;
          break; // transversed
        default:
          sx = width - 1 - y;
          sy = x;
          break; // 8: rotate 90° counter-clockwise to view
      }
      const s = (sy * width + sx) * 3;
      const d = (y * W + x) * 3;
      out[d] = rgb[s]!;
      out[d + 1] = rgb[s + 1]!;
      out[d + 2] = rgb[s + 2]!;
    }
  }
  return { data: out, width: W, height: H };
}
