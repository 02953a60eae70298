/**
 * Animated test patterns: a source that needs no model, for trying the encoder, previews and the
 * engine end to end. Every frame differs: the background moves, a white square travels a loop, and
 * the frame index is drawn as 10 binary cells in the top-left corner (white = 1, most significant
 * first), so dropped or repeated frames can be spotted in the encoded file.
 */
import type { ImageBatch } from '../../sdk';

export const TEST_PATTERNS = ['bars', 'gradient', 'checker'] as const;
export type TestPattern = (typeof TEST_PATTERNS)[number];

export interface TestPatternOptions {
  width: number;
  height: number;
  frames: number;
  pattern: TestPattern;
  fps?: number;
}

/** 75% colour bars, left to right. */
const BARS: readonly (readonly [number, number, number])[] = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

export const INDEX_BITS = 10;
/** Largest clip generated at once (2 GiB of RGB). */
const MAX_BYTES = 2 ** 31;

/** Side of one frame-index cell in pixels for a given frame size. */
export function indexCellSize(width: number, height: number): number {
  return Math.max(2, Math.min(8, Math.floor(Math.min(width / (INDEX_BITS + 2), height / 4))));
}

export function testPatternFrames(o: TestPatternOptions): ImageBatch {
  const { width: w, height: h, frames: n, pattern } = o;
  for (const [k, v] of [
    ['width', w],
    ['height', h],
    ['frames', n],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new Error(`Test pattern: ${k} must be a positive whole number (got ${v}).`);
  }
  if (!(TEST_PATTERNS as readonly string[]).includes(pattern)) {
    throw new Error(`Test pattern: unknown pattern "${pattern}"; use one of ${TEST_PATTERNS.join(', ')}.`);
  }
  const frameBytes = w * h * 3;
  if (frameBytes * n > MAX_BYTES) {
    const gb = ((frameBytes * n) / 2 ** 30).toFixed(1);
    throw new Error(
      `Test pattern: ${n} frames of ${w}×${h} would need ${gb} GiB; use fewer or smaller frames.`,
    );
  }
  const data = new Uint8Array(frameBytes * n);
  for (let i = 0; i < n; i++) {
    const f = data.subarray(i * frameBytes, (i + 1) * frameBytes);
    const t = i / n; // 0 … <1: one full cycle over the clip, so it loops seamlessly
    if (pattern === 'bars') drawBars(f, w, h, t);
    else if (pattern === 'gradient') drawGradient(f, w, h, t);
    else drawChecker(f, w, h, t);
    drawSquare(f, w, h, t);
    drawIndex(f, w, h, i);
  }
  return {
    kind: 'image',
    width: w,
    height: h,
    count: n,
    ...(o.fps !== undefined ? { fps: o.fps } : {}),
    data,
  };
}

function drawBars(f: Uint8Array, w: number, h: number, t: number): void {
  const split = Math.max(1, Math.round(h * 0.75));
  const shift = Math.round(t * w);
  const row = new Uint8Array(w * 3);
  for (let x = 0; x < w; x++) {
    const bar = BARS[Math.floor((((x + shift) % w) * BARS.length) / w)];
    row.set(bar, x * 3);
  }
  const ramp = new Uint8Array(w * 3);
  for (let x = 0; x < w; x++) ramp.fill(w === 1 ? 0 : Math.round((x * 255) / (w - 1)), x * 3, x * 3 + 3);
  for (let y = 0; y < h; y++) f.set(y < split ? row : ramp, y * w * 3);
}

function drawGradient(f: Uint8Array, w: number, h: number, t: number): void {
  const blue = Math.round(127.5 + 127.5 * Math.sin(2 * Math.PI * t));
  for (let y = 0; y < h; y++) {
    const g = h === 1 ? 0 : Math.round((y * 255) / (h - 1));
    let o = y * w * 3;
    for (let x = 0; x < w; x++, o += 3) {
      f[o] = w === 1 ? 0 : Math.round((x * 255) / (w - 1));
      f[o + 1] = g;
      f[o + 2] = blue;
    }
  }
}

function drawChecker(f: Uint8Array, w: number, h: number, t: number): void {
  const cell = Math.max(4, Math.round(Math.min(w, h) / 8));
  const off = Math.round(t * cell * 2); // diagonal scroll by two cells per cycle
  const rows = [new Uint8Array(w * 3), new Uint8Array(w * 3)];
  for (let x = 0; x < w; x++) {
    const on = Math.floor((x + off) / cell) % 2 === 0;
    rows[0].fill(on ? 220 : 40, x * 3, x * 3 + 3);
    rows[1].fill(on ? 40 : 220, x * 3, x * 3 + 3);
  }
  for (let y = 0; y < h; y++) f.set(rows[Math.floor((y + off) / cell) % 2], y * w * 3);
}

function fillRect(
  f: Uint8Array,
  w: number,
  h: number,
  x0: number,
  y0: number,
  rw: number,
  rh: number,
  v: number,
): void {
  const xa = Math.max(0, x0);
  const xb = Math.min(w, x0 + rw);
  if (xb <= xa) return;
  for (let y = Math.max(0, y0); y < Math.min(h, y0 + rh); y++) f.fill(v, (y * w + xa) * 3, (y * w + xb) * 3);
}

function drawSquare(f: Uint8Array, w: number, h: number, t: number): void {
  const s = Math.max(2, Math.round(Math.min(w, h) / 5));
  const x = Math.round(((w - s) / 2) * (1 + Math.sin(2 * Math.PI * t)));
  const y = Math.round(((h - s) / 2) * (1 + Math.sin(4 * Math.PI * t + Math.PI / 2)));
  const b = Math.max(1, Math.round(s / 16));
  fillRect(f, w, h, x, y, s, s, 0);
  fillRect(f, w, h, x + b, y + b, s - 2 * b, s - 2 * b, 255);
}

function drawIndex(f: Uint8Array, w: number, h: number, index: number): void {
  const c = indexCellSize(w, h);
  if (c * INDEX_BITS > w || c > h) return;
  for (let bit = 0; bit < INDEX_BITS; bit++) {
    const on = (index >> (INDEX_BITS - 1 - bit)) & 1;
    fillRect(f, w, h, bit * c, 0, c, c, on ? 255 : 0);
  }
}

/** Reads the frame index drawn by the pattern back from a decoded frame (threshold at mid-grey). */
export function readFrameIndex(rgb: Uint8Array, width: number, height: number): number {
  const c = indexCellSize(width, height);
  let v = 0;
  for (let bit = 0; bit < INDEX_BITS; bit++) {
    const cx = bit * c + Math.floor(c / 2);
    const cy = Math.floor(c / 2);
    const o = (cy * width + cx) * 3;
    const lum = (rgb[o] + rgb[o + 1] + rgb[o + 2]) / 3;
    v = (v << 1) | (lum > 127 ? 1 : 0);
  }
  return v;
}
