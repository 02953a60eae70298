/**
 * Finds an ffmpeg that runs. Order: a path from the settings > FFMPEG_PATH > the binary shipped by
 * `@ffmpeg-installer/ffmpeg` > `ffmpeg` on PATH. Each candidate is started once (`-version`); the
 * first that answers wins and is remembered for the life of the process.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

export type FfmpegSource = 'settings' | 'FFMPEG_PATH' | '@ffmpeg-installer/ffmpeg' | 'PATH';

export interface FfmpegInfo {
  path: string;
  source: FfmpegSource;
  /** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.6 ...". */
  version: string;
  /** Candidates tried before this one, and why each was passed over. */
  skipped: { source: FfmpegSource; path: string; reason: string }[];
}

export interface ResolveFfmpegOptions {
  /** An explicit path (the app's `ffmpegPath` setting); tried first. */
  configured?: string;
  /** Defaults to process.env; its FFMPEG_PATH and PATH are used. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Skip the bundled npm binary (tests of the fall-through). */
  skipBundled?: boolean;
}

export class FfmpegNotFoundError extends Error {
  constructor(readonly tried: FfmpegInfo['skipped']) {
    super(
      'ffmpeg could not be started. Tried: ' +
        (tried.length ? tried.map((t) => `${t.source} (${t.path}: ${t.reason})`).join('; ') : 'nothing') +
        '. Install ffmpeg, or set FFMPEG_PATH (or the ffmpegPath setting) to the full path of an ffmpeg executable.',
    );
    this.name = 'FfmpegNotFoundError';
  }
}

/** `file:` + absolute path, so ffmpeg never reads a name like `a:b.mp4` as a protocol. */
export function ffmpegFileUrl(path: string): string {
  return 'file:' + resolve(path);
}

const cache = new Map<string, Promise<FfmpegInfo>>();

/** Forgets remembered results (tests). */
export function clearFfmpegPathCache(): void {
  cache.clear();
}

/** The path the npm package ships, or why there is none. */
export function bundledFfmpegPath(): { path: string } | { error: string } {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path?: unknown };
    if (typeof mod.path !== 'string' || !mod.path) return { error: 'the package exports no path' };
    // Inside a packaged Electron app the binary must live outside the asar archive.
    return { path: mod.path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2') };
  } catch (e) {
    // The package throws a bare string when the platform binary is missing.
    return { error: typeof e === 'string' ? e : e instanceof Error ? e.message : String(e) };
  }
}

function spawnVersion(path: string, env?: Readonly<Record<string, string | undefined>>) {
  return spawn(path, ['-hide_banner', '-version'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    windowsHide: true,
    ...(env ? { env: { ...env } } : {}),
  });
}

/** Runs `<path> -version`; resolves with its first line or rejects with a short reason. */
export function probeFfmpeg(
  path: string,
  timeoutMs = 15_000,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawnVersion>;
    try {
      child = spawnVersion(path, env);
    } catch (e) {
      // Only for unusable arguments (e.g. a NUL in the path); a missing file arrives as 'error'.
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    let out = '';
    let settled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(new Error(`did not answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    function done(err: Error | null, line?: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(line ?? '');
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      if (out.length < 4096) out += d;
    });
    child.on('error', (e: NodeJS.ErrnoException) =>
      done(new Error(e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'not executable' : e.message)),
    );
    child.on('close', (code, signal) => {
      const first = out.split(/\r?\n/, 1)[0]?.trim() ?? '';
      if (code === 0 && /ffmpeg/i.test(first)) done(null, first);
      else if (code === 0) done(new Error('is not ffmpeg (unexpected -version output)'));
      else done(new Error(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    });
  });
}

/** Resolves the ffmpeg to use; rejects with FfmpegNotFoundError naming every candidate tried. */
export function resolveFfmpeg(opts: ResolveFfmpegOptions = {}): Promise<FfmpegInfo> {
  const env = opts.env ?? process.env;
  const key = JSON.stringify([
    opts.configured ?? '',
    env.FFMPEG_PATH ?? '',
    env.PATH ?? '',
    !!opts.skipBundled,
  ]);
  let p = cache.get(key);
  if (!p) {
    p = resolveUncached(opts.configured, env, !opts.skipBundled);
    cache.set(key, p);
    // A failure is not remembered: the user may install ffmpeg and retry.
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function resolveUncached(
  configured: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  useBundled: boolean,
): Promise<FfmpegInfo> {
  const envPath = env.FFMPEG_PATH;
  const skipped: FfmpegInfo['skipped'] = [];
  const candidates: { source: FfmpegSource; path: string | null; reason?: string }[] = [];
  if (configured?.trim()) candidates.push({ source: 'settings', path: configured.trim() });
  if (envPath?.trim()) candidates.push({ source: 'FFMPEG_PATH', path: envPath.trim() });
  if (useBundled) {
    const b = bundledFfmpegPath();
    if ('path' in b) candidates.push({ source: '@ffmpeg-installer/ffmpeg', path: b.path });
    else candidates.push({ source: '@ffmpeg-installer/ffmpeg', path: null, reason: b.error });
  }
  candidates.push({ source: 'PATH', path: process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg' });

  for (const c of candidates) {
    if (c.path === null) {
      skipped.push({ source: c.source, path: '-', reason: c.reason ?? 'unavailable' });
      continue;
    }
    try {
      const version = await probeFfmpeg(c.path, 15_000, env === process.env ? undefined : env);
      return { path: c.path, source: c.source, version, skipped };
    } catch (e) {
      skipped.push({ source: c.source, path: c.path, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  throw new FfmpegNotFoundError(skipped);
}
