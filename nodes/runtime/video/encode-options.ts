/**
 * The ffmpeg options for each output format, as a pure function (unit-tested without ffmpeg).
 *
 * Input is always raw rgb24 frames on stdin. Colour: MP4 and WebM are converted to yuv420p with
 * the BT.709 matrix (limited range) and tagged as such, so players do not guess BT.601 and shift
 * hues. GIF gets a 256-colour palette computed over the whole clip (palettegen + paletteuse in one
 * filter graph, so there is no second pass over temp files).
 *
 * Odd sizes: H.264 in yuv420p needs even width and height. The encoder pads an odd dimension by one
 * pixel, repeating the last column/row (no black line, no resampling); the file is then one pixel
 * larger than the frames. VP9 and GIF keep odd sizes as they are.
 */
export const VIDEO_FORMATS = ['mp4', 'webm', 'gif'] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];

/** CRF-like quality on H.264's scale: 0 (best, huge) … 51 (worst). */
export const QUALITY_MIN = 0;
export const QUALITY_MAX = 51;
export const DEFAULT_QUALITY = 19;

export const MIME: Record<VideoFormat, string> = {
  mp4: 'video/mp4',
  webm: 'video/webm',
  gif: 'image/gif',
};

export interface EncodeSettings {
  format: VideoFormat;
  /** Size of the frames as fed to ffmpeg (after any even-padding). */
  width: number;
  height: number;
  fps: number;
  quality: number;
  /** Whether input #1 is an ffmetadata file whose tags are copied to the container. */
  withMetadata: boolean;
  /** Encoder threads (VP9); 0 = ffmpeg's choice. */
  threads?: number;
  /** x264 preset for MP4 (default veryfast). */
  x264Preset?: string;
}

export interface EncodeArgs {
  /** Options before `-i pipe:0` (the raw frames). */
  input: string[];
  /** Options for the output file (codec, filters, muxer flags), without the file name. */
  output: string[];
  /** Muxer name for `-f`. */
  muxer: string;
}

/** Whether the format needs even width and height. */
export function needsEvenSize(format: VideoFormat): boolean {
  return format === 'mp4';
}

/** The size the frames are fed at: odd dimensions rounded up to even where the codec needs it. */
export function encodedSize(
  format: VideoFormat,
  width: number,
  height: number,
): { width: number; height: number } {
  if (!needsEvenSize(format)) return { width, height };
  return { width: width + (width % 2), height: height + (height % 2) };
}

/** Maps the H.264-style quality (0–51) onto VP9's CRF scale (0–63): 19 → 31. */
export function vp9Crf(quality: number): number {
  return Math.max(0, Math.min(63, Math.round(quality * 1.2 + 8)));
}

/** Frame rate as ffmpeg parses it; integers stay integers, others keep 6 decimals. */
export function formatRate(fps: number): string {
  return Number.isInteger(fps) ? String(fps) : String(Math.round(fps * 1e6) / 1e6);
}

const BT709 = [
  '-colorspace',
  'bt709',
  '-color_primaries',
  'bt709',
  '-color_trc',
  'bt709',
  '-color_range',
  'tv',
];
const TO_YUV709 = 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p';

export function buildEncodeArgs(s: EncodeSettings): EncodeArgs {
  const input = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-video_size', `${s.width}x${s.height}`];
  input.push('-framerate', formatRate(s.fps));
  const q = Math.round(Math.max(QUALITY_MIN, Math.min(QUALITY_MAX, s.quality)));
  const output = ['-map', '0:v:0', '-an', '-sn', '-dn'];
  if (s.withMetadata && s.format !== 'gif') output.push('-map_metadata', '1');
  else output.push('-map_metadata', '-1');
  const threads = s.threads && s.threads > 0 ? ['-threads', String(s.threads)] : [];

  switch (s.format) {
    case 'mp4':
      output.push(
        '-vf',
        TO_YUV709,
        '-c:v',
        'libx264',
        '-preset',
        s.x264Preset ?? 'veryfast',
        '-crf',
        String(q),
      );
      output.push('-pix_fmt', 'yuv420p', ...BT709);
      // faststart: index at the front (plays while downloading); use_metadata_tags: keep custom
      // keys such as `workflow` (the mp4 muxer drops unknown keys without it).
      output.push('-movflags', '+faststart+use_metadata_tags');
      return { input, output, muxer: 'mp4' };
    case 'webm':
      output.push('-vf', TO_YUV709, '-c:v', 'libvpx-vp9', '-pix_fmt', 'yuv420p', ...BT709);
      // Constant quality (crf with b:v 0); realtime speed settings with row multithreading keep the
      // encode a small fraction of a generation's time.
      output.push('-crf', String(vp9Crf(q)), '-b:v', '0');
      output.push(
        '-deadline',
        'realtime',
        '-cpu-used',
        '8',
        '-row-mt',
        '1',
        '-tile-columns',
        '2',
        ...threads,
      );
      return { input, output, muxer: 'webm' };
    case 'gif': {
      const graph =
        '[0:v]split[a][b];[a]palettegen=max_colors=256:stats_mode=full[p];' +
        '[b][p]paletteuse=dither=bayer:bayer_scale=3:diff_mode=rectangle[out]';
      // `-map 0:v:0` is replaced by the graph's output.
      output.splice(0, 2, '-filter_complex', graph, '-map', '[out]');
      output.push('-loop', '0');
      return { input, output, muxer: 'gif' };
    }
  }
}
