/**
 * Encodes an ImageBatch to MP4 (H.264), WebM (VP9) or GIF with ffmpeg.
 *
 * This is the only module that uses fluent-ffmpeg (archived upstream): everything else calls
 * `encodeVideo`. Frames go to ffmpeg's stdin as raw rgb24 (no temp images) with back-pressure. The
 * file is written under a temp name in the target folder and renamed when complete; on error or
 * abort ffmpeg is killed and the temp file removed, so no partial output is ever left behind.
 *
 * fluent-ffmpeg keeps the ffmpeg path in module-global state, so encodes in one process run one
 * at a time (a second call waits; it can still be aborted while waiting).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import type { ImageBatch, VideoRef } from '../../sdk';
import {
  buildEncodeArgs,
  DEFAULT_QUALITY,
  encodedSize,
  QUALITY_MAX,
  QUALITY_MIN,
  VIDEO_FORMATS,
  type VideoFormat,
} from './encode-options';
import { ffmpegFileUrl, resolveFfmpeg } from './ffmpeg-path';
import { checkImageBatch, frameStream } from './frame-source';
import { matroskaTagsFile } from './mkv-tags';

export interface EncodeProgress {
  /** Frames handed to ffmpeg so far. */
  frames: number;
  total: number;
}

export interface EncodeVideoOptions {
  frames: ImageBatch;
  fps: number;
  format: VideoFormat;
  /** Final file path; its folder is created if needed. An existing file is replaced. */
  outPath: string;
  /** Container tags (MP4/WebM; GIF has none). Keys: letters, digits, `_`. */
  metadata?: Record<string, string>;
  /** CRF-like, H.264 scale 0 (best) … 51; default 19. Ignored for GIF. */
  quality?: number;
  signal?: AbortSignal;
  onProgress?: (p: EncodeProgress) => void;
  /** An explicit ffmpeg (the app setting); otherwise FFMPEG_PATH, the npm binary, PATH. */
  ffmpegPath?: string;
  /** x264 preset for MP4; default 'veryfast'. */
  x264Preset?: string;
  /** Told about recoverable oddities (e.g. the configured ffmpeg did not run; another was used). */
  warn?: (message: string) => void;
}

export interface EncodeResult extends VideoRef {
  bytes: number;
  /** Wall time of the encode in seconds. */
  seconds: number;
}

const FORMAT_NAMES: Record<VideoFormat, string> = { mp4: 'MP4 (H.264)', webm: 'WebM (VP9)', gif: 'GIF' };

let queue: Promise<unknown> = Promise.resolve();

export async function encodeVideo(opts: EncodeVideoOptions): Promise<EncodeResult> {
  validate(opts);
  const previous = queue;
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  queue = previous.then(() => mine);
  try {
    await abortable(previous, opts.signal);
    return await encodeNow(opts);
  } finally {
    release();
  }
}

function validate(o: EncodeVideoOptions): void {
  checkImageBatch(o.frames);
  if (!(VIDEO_FORMATS as readonly string[]).includes(o.format)) {
    throw new Error(`Unknown video format "${String(o.format)}"; use one of ${VIDEO_FORMATS.join(', ')}.`);
  }
  if (!Number.isFinite(o.fps) || o.fps <= 0 || o.fps > 1000) {
    throw new Error(`The frame rate must be a number between 0 and 1000 (got ${o.fps}).`);
  }
  if (o.quality !== undefined && !(o.quality >= QUALITY_MIN && o.quality <= QUALITY_MAX)) {
    throw new Error(`The quality must be between ${QUALITY_MIN} and ${QUALITY_MAX} (got ${o.quality}).`);
  }
  for (const k of Object.keys(o.metadata ?? {})) {
    if (!/^[A-Za-z0-9_]{1,64}$/.test(k))
      throw new Error(`The metadata key "${k}" must use letters, digits and _ only.`);
  }
}

async function encodeNow(o: EncodeVideoOptions): Promise<EncodeResult> {
  o.signal?.throwIfAborted();
  const started = performance.now();
  const ff = await resolveFfmpeg({ configured: o.ffmpegPath });
  for (const s of ff.skipped) {
    if (s.source === 'settings' || s.source === 'FFMPEG_PATH') {
      o.warn?.(
        `The ffmpeg from ${s.source} (${s.path}) could not be used (${s.reason}); using ${ff.path} (${ff.source}) instead.`,
      );
    }
  }
  const outDir = dirname(o.outPath);
  await mkdir(outDir, { recursive: true });
  const tmpPath = join(
    outDir,
    `.${basename(o.outPath)}.${process.pid}-${randomBytes(4).toString('hex')}.part`,
  );

  const { width, height, count } = o.frames;
  const size = encodedSize(o.format, width, height);
  const tags = o.format === 'gif' ? {} : (o.metadata ?? {});
  const withMetadata = Object.keys(tags).length > 0;
  let metaDir: string | null = null;
  let metaPath: string | null = null;
  if (withMetadata) {
    // A tags-only Matroska file rather than `-metadata k=v` or ffmetadata text (see mkv-tags.ts).
    metaDir = await mkdtemp(join(tmpdir(), 'wan-meta-'));
    metaPath = join(metaDir, 'tags.mkv');
    await writeFile(metaPath, matroskaTagsFile(tags));
  }
  const args = buildEncodeArgs({
    format: o.format,
    width: size.width,
    height: size.height,
    fps: o.fps,
    quality: o.quality ?? DEFAULT_QUALITY,
    withMetadata,
    threads: Math.min(16, availableParallelism()),
    x264Preset: o.x264Preset,
  });

  const source = frameStream(o.frames, {
    padTo: size,
    onFrame: (i) => o.onProgress?.({ frames: i + 1, total: count }),
  });
  const cmd = ffmpeg({ stdoutLines: 40 });
  cmd.setFfmpegPath(ff.path);
  cmd.input(source).inputOptions(args.input);
  if (metaPath) cmd.input(ffmpegFileUrl(metaPath)).inputFormat('matroska');
  cmd
    .outputOptions(['-loglevel', 'error', '-nostats', ...args.output])
    .format(args.muxer)
    .output(ffmpegFileUrl(tmpPath));

  try {
    await runCommand(cmd, o.signal);
    o.signal?.throwIfAborted();
    const { size: bytes } = await stat(tmpPath);
    if (bytes === 0) throw new Error('ffmpeg produced an empty file');
    await rename(tmpPath, o.outPath);
    return {
      kind: 'video',
      path: o.outPath,
      format: o.format,
      width: size.width,
      height: size.height,
      frames: count,
      fps: o.fps,
      bytes,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    await unlink(tmpPath).catch(() => undefined);
    if (o.signal?.aborted) throw o.signal.reason;
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`Encoding ${FORMAT_NAMES[o.format]} to ${o.outPath} failed: ${why}`, { cause: e });
  } finally {
    source.destroy();
    if (metaDir) await rm(metaDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Runs the command; resolves when ffmpeg exited cleanly, rejects after it exited otherwise. */
function runCommand(cmd: ffmpeg.FfmpegCommand, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let killed = false;
    const onAbort = () => {
      killed = true;
      try {
        cmd.kill('SIGKILL');
      } catch {
        // not started yet: the 'error'/'end' handlers still settle once fluent-ffmpeg gets there
      }
    };
    const cleanup = () => signal?.removeEventListener('abort', onAbort);
    cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      cleanup();
      if (killed) return reject(new Error('cancelled'));
      // fluent-ffmpeg appends part of stderr to "ffmpeg exited with code N"; keep our own tail.
      const head =
        /^ffmpeg (exited with code \d+|was killed with signal \w+)/.exec(err.message)?.[0] ?? err.message;
      const detail = stderrTail(stderr);
      reject(new Error(detail ? `${head}: ${detail}` : head));
    });
    cmd.on('end', () => {
      cleanup();
      if (killed) reject(new Error('cancelled'));
      else resolve();
    });
    // Aborted before fluent-ffmpeg spawned the process: kill it as soon as it exists.
    cmd.on('start', () => {
      if (killed) cmd.kill('SIGKILL');
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    cmd.run();
    if (signal?.aborted) onAbort();
  });
}

function stderrTail(stderr: string | null): string {
  if (!stderr) return '';
  const lines = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-4).join(' | ').slice(0, 800);
}

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
