/**
 * Reads the workflow embedded in a video's container metadata, with ffmpeg alone (ffprobe is not
 * shipped by the npm package): `ffmpeg -i file -f ffmetadata -` prints the global tags.
 */
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { parseFfmetadata } from './ffmetadata';
import { ffmpegFileUrl, resolveFfmpeg } from './ffmpeg-path';

/** The tag the encoder writes. Matroska/WebM upper-cases tag names, so reading ignores case. */
export const WORKFLOW_TAG = 'workflow';

export interface ReadMetadataOptions {
  /** An explicit ffmpeg (settings); otherwise resolved as usual. */
  ffmpegPath?: string;
}

/** All global container tags of a media file. Throws a clear error when the file is unreadable. */
export async function readContainerTags(
  path: string,
  opts: ReadMetadataOptions = {},
): Promise<Record<string, string>> {
  try {
    await access(path);
  } catch {
    throw new Error(`Cannot read metadata from ${path}: the file does not exist or is not readable.`);
  }
  const ff = await resolveFfmpeg({ configured: opts.ffmpegPath });
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', ffmpegFileUrl(path)];
  args.push('-vn', '-an', '-sn', '-dn', '-map_metadata', '0', '-f', 'ffmetadata', '-');
  const { code, stdout, stderr } = await run(ff.path, args);
  if (code !== 0) {
    const why = stderr.trim().split(/\r?\n/).slice(-3).join(' ').replace(path, '').trim();
    throw new Error(
      `Cannot read metadata from ${path}: ffmpeg could not open it (${why || `exit code ${code}`}).`,
    );
  }
  return parseFfmetadata(stdout);
}

/** The workflow JSON embedded in an MP4/WebM by the encoder, exactly as written; null when none. */
export async function readEmbeddedWorkflow(
  path: string,
  opts: ReadMetadataOptions = {},
): Promise<string | null> {
  const tags = await readContainerTags(path, opts);
  if (WORKFLOW_TAG in tags) return tags[WORKFLOW_TAG];
  for (const [k, v] of Object.entries(tags)) if (k.toLowerCase() === WORKFLOW_TAG) return v;
  return null;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (err.length < 16_384) err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: err }));
  });
}
