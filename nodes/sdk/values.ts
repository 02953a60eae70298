/**
 * The values that travel between nodes at run time. Plain data (typed arrays + JSON),
 * so results can be hashed, sized, cached in memory and written to the on-disk cache.
 */

/** A dense float32 tensor, row-major (C order). */
export interface Tensor {
  dims: number[];
  data: Float32Array;
}

/**
 * A batch of RGB images (video frames), 8 bits per channel, layout [count, height, width, 3].
 */
export interface ImageBatch {
  kind: 'image';
  width: number;
  height: number;
  count: number;
  /** Frames per second, when the batch is a video clip. */
  fps?: number;
  data: Uint8Array;
}

/**
 * A video latent for the Wan VAEs: samples [C, F, H, W] (one sample, no batch dim, as the
 * official code's per-sample tensors). `vae` says which latent space it lives in.
 */
export interface Latent {
  kind: 'latent';
  samples: Tensor;
  vae?: 'wan2.1' | 'wan2.2';
  /**
   * Conditioning the sampler must honour, written by Image to Video:
   * for I2V-A14B the 20-channel `y` (mask + image latent) concatenated to the model input;
   * for TI2V-5B the clean first-frame latent and the per-frame mask (1 = generate, 0 = keep).
   */
  concat?: Tensor;
  firstFrame?: Tensor;
  mask?: Tensor;
}

/** A finished video file on disk. */
export interface VideoRef {
  kind: 'video';
  path: string;
  format: 'mp4' | 'webm' | 'gif';
  width: number;
  height: number;
  frames: number;
  fps: number;
}

/** A file produced by an output node, reported to the CLI and the editor. */
export interface Artifact {
  kind: 'video' | 'image' | 'images';
  path: string;
  mime: string;
  /** For `images`: the individual files. */
  files?: string[];
}

/**
 * Run-time value of each socket type. Runtime modules add the opaque model handles
 * (MODEL, EXPERTS, TEXT_ENCODER, VAE, CONDITIONING, SCHEDULE) by declaration merging:
 *
 *   declare module '../sdk/values' { interface SocketValues { MODEL: WanModelHandle } }
 */
export interface SocketValues {
  STRING: string;
  INT: number;
  FLOAT: number;
  BOOLEAN: boolean;
  ENUM: string;
  /** A resolved absolute path (the engine resolves file names against the model folders). */
  FILE: string;
  IMAGE: ImageBatch;
  LATENT: Latent;
  VIDEO: VideoRef;
}
