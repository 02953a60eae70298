/**
 * Video Out: encodes frames to MP4 (H.264), WebM (VP9) or GIF in the output folder, with the
 * workflow embedded in the MP4/WebM container metadata (tag `workflow`).
 */
import { defineNode } from '../sdk';
import {
  DEFAULT_QUALITY,
  MIME,
  QUALITY_MAX,
  QUALITY_MIN,
  VIDEO_FORMATS,
  type VideoFormat,
} from '../runtime/video/encode-options';
import { encodeVideo } from '../runtime/video/encoder';
import { nextOutputPath } from '../runtime/video/output-path';

export const videoOut = defineNode({
  id: 'video.out',
  version: 1,
  category: 'Video',
  title: 'Video Out',
  description:
    'Encodes the frames to a video file in the output folder (MP4 H.264, WebM VP9 or GIF). MP4 and WebM carry the workflow in their metadata, so dropping the file back on the canvas restores it.',
  inputs: {
    images: { type: 'IMAGE', description: 'The frames to encode.' },
    fps: {
      type: 'FLOAT',
      default: 16,
      min: 1,
      max: 120,
      step: 1,
      description: 'Frames per second of the file.',
    },
    format: { type: 'ENUM', options: VIDEO_FORMATS, default: 'mp4' },
    filename_prefix: {
      type: 'STRING',
      default: 'wan',
      description: 'File name before the counter (wan → wan_00001.mp4). May name a subfolder: clips/wan.',
    },
    quality: {
      type: 'INT',
      default: DEFAULT_QUALITY,
      min: QUALITY_MIN,
      max: QUALITY_MAX,
      step: 1,
      description: 'CRF: lower is better quality and larger files (17–23 is typical). Not used for GIF.',
    },
  },
  outputs: {
    video: { type: 'VIDEO' },
  },
  output: true,
  async execute({ images, fps, format, filename_prefix, quality }, ctx) {
    ctx.throwIfAborted();
    const fmt = format as VideoFormat;
    const target = await nextOutputPath(ctx.outputDir, filename_prefix, fmt);
    const ffmpegPath = typeof ctx.settings.ffmpegPath === 'string' ? ctx.settings.ffmpegPath : undefined;
    try {
      const result = await encodeVideo({
        frames: images,
        fps,
        format: fmt,
        outPath: target.path,
        quality,
        metadata: ctx.workflowJson ? { workflow: ctx.workflowJson } : undefined,
        signal: ctx.signal,
        ffmpegPath,
        warn: (m) => ctx.log.warn(m),
        onProgress: ({ frames, total }) => ctx.progress({ step: frames, total, message: `encoding ${fmt}` }),
      });
      ctx.log.info(
        `wrote ${result.path} (${result.frames} frames, ${(result.bytes / 1e6).toFixed(2)} MB, ${result.seconds.toFixed(2)} s)`,
      );
      ctx.artifact({ kind: 'video', path: result.path, mime: MIME[fmt] });
      const { bytes: _b, seconds: _s, ...video } = result;
      return { video };
    } catch (e) {
      ctx.throwIfAborted();
      throw e;
    }
  },
});
