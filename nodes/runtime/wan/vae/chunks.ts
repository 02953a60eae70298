/**
 * The official chunking of the Wan VAEs (`WanVAE_.encode` / `.decode`):
 * - encode feeds frames in chunks of 1, 4, 4, ... (frames past the last full chunk are dropped);
 * - decode feeds one latent frame per chunk; the first yields 1 frame, each later one
 *   `timeStride` frames.
 */
import { VaeError } from './errors';

export interface FrameChunk {
  /** First input frame of the chunk. */
  start: number;
  /** Number of input frames. */
  count: number;
}

/** Frames per encoder chunk after the first (hard-coded 4 in the official code). */
export const ENCODE_CHUNK = 4;

/** The encoder's chunks for a clip of `frames` frames. */
export function encodeChunks(frames: number): FrameChunk[] {
  if (!Number.isInteger(frames) || frames < 1)
    throw new VaeError(`The VAE encoder needs at least one frame (got ${frames}).`);
  const n = 1 + Math.floor((frames - 1) / ENCODE_CHUNK);
  const out: FrameChunk[] = [{ start: 0, count: 1 }];
  for (let i = 1; i < n; i++) out.push({ start: 1 + ENCODE_CHUNK * (i - 1), count: ENCODE_CHUNK });
  return out;
}

/** Input frames the encoder actually uses: 1 + 4k. */
export function usedEncodeFrames(frames: number): number {
  return 1 + ENCODE_CHUNK * (encodeChunks(frames).length - 1);
}

/** Latent frames the encoder produces for `frames` input frames. */
export function latentFramesFor(frames: number, timeStride: number): number {
  return 1 + (encodeChunks(frames).length - 1) * (ENCODE_CHUNK / timeStride);
}

/** Video frames the decoder produces for `latentFrames` latent frames. */
export function videoFramesFor(latentFrames: number, timeStride: number): number {
  if (!Number.isInteger(latentFrames) || latentFrames < 1) {
    throw new VaeError(`The VAE decoder needs at least one latent frame (got ${latentFrames}).`);
  }
  return 1 + (latentFrames - 1) * timeStride;
}

/** Output frame range of decode chunk `i` (one latent frame each). */
export function decodeChunkFrames(i: number, timeStride: number): FrameChunk {
  return i === 0 ? { start: 0, count: 1 } : { start: 1 + (i - 1) * timeStride, count: timeStride };
}
