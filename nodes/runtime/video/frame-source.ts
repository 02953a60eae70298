/**
 * Raw rgb24 frames of an ImageBatch as a byte stream for ffmpeg's stdin. Frames are handed out one
 * at a time and only when the consumer asks (stream back-pressure), as views into the batch (no
 * copy) unless a frame must be padded.
 */
import { Readable } from 'node:stream';
import type { ImageBatch } from '../../sdk';

/** Checks that the batch is a well-formed RGB frame stack; throws a sentence naming the problem. */
export function checkImageBatch(b: ImageBatch, what = 'images'): void {
  if (!b || b.kind !== 'image') throw new Error(`The ${what} input is not an image batch.`);
  const { width, height, count } = b;
  for (const [k, v] of [
    ['width', width],
    ['height', height],
    ['count', count],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`The ${what} have an invalid ${k} (${v}).`);
  }
  const expected = width * height * 3 * count;
  if (b.data.length !== expected) {
    throw new Error(
      `The ${what} hold ${b.data.length} bytes, but ${count} frame(s) of ${width}×${height} RGB need ${expected}.`,
    );
  }
}

/**
 * Copies frame `src` (w×h) into a (pw×ph) frame, repeating the last column and row to fill the
 * extra pixels.
 */
export function padFrameReplicate(src: Uint8Array, w: number, h: number, pw: number, ph: number): Uint8Array {
  const out = new Uint8Array(pw * ph * 3);
  const srcRow = w * 3;
  const dstRow = pw * 3;
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(y, h - 1);
    const s = sy * srcRow;
    const d = y * dstRow;
    out.set(src.subarray(s, s + srcRow), d);
    const lastPx = s + srcRow - 3;
    for (let x = w; x < pw; x++) {
      const o = d + x * 3;
      out[o] = src[lastPx]!;
      out[o + 1] = src[lastPx + 1]!;
      out[o + 2] = src[lastPx + 2]!;
    }
  }
  return out;
}

export interface FrameStreamOptions {
  /** Feed frames at this size (≥ the batch's), padding by edge repetition. */
  padTo?: { width: number; height: number };
  /** Called after frame `index` (0-based) was handed to the consumer. */
  onFrame?: (index: number) => void;
}

/** A readable byte stream of the batch's frames, one chunk per frame. */
export function frameStream(b: ImageBatch, opts: FrameStreamOptions = {}): Readable {
  const { width: w, height: h, count } = b;
  const frameBytes = w * h * 3;
  const pad = opts.padTo && (opts.padTo.width !== w || opts.padTo.height !== h) ? opts.padTo : null;
  let next = 0;
  return new Readable({
    // A couple of frames in flight is enough to keep ffmpeg busy.
    highWaterMark: 2 * (pad ? pad.width * pad.height * 3 : frameBytes),
    read() {
      if (next >= count) {
        this.push(null);
        return;
      }
      const i = next++;
      const view = b.data.subarray(i * frameBytes, (i + 1) * frameBytes);
      const frame = pad ? padFrameReplicate(view, w, h, pad.width, pad.height) : view;
      this.push(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      opts.onFrame?.(i);
    },
  });
}
