/**
 * Serving files safely: paths confined to a root (no `..`, no absolute paths, no symlink
 * escapes), content types by extension, and byte ranges so the video player can seek.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Resolves `rel` under `root`, or undefined when it would leave the root. */
export async function confinedPath(root: string, rel: string): Promise<string | undefined> {
  if (rel.includes('\0')) return undefined;
  const rootReal = await realpath(root).catch(() => undefined);
  if (!rootReal) return undefined;
  const candidate = resolve(rootReal, '.' + sep + rel);
  const real = await realpath(candidate).catch(() => undefined);
  if (!real) return undefined;
  if (real !== rootReal && !real.startsWith(rootReal + sep)) return undefined;
  return real;
}

export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  headers: Record<string, string> = {},
): Promise<void> {
  const s = await stat(path);
  if (!s.isFile()) {
    res.writeHead(404).end();
    return;
  }
  const type = contentTypeOf(path);
  const range = req.headers.range ? /^bytes=(\d*)-(\d*)$/.exec(req.headers.range) : null;
  const base = {
    'Content-Type': type,
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  };
  if (range && (range[1] || range[2])) {
    let start = range[1] ? Number(range[1]) : s.size - Number(range[2]);
    let end = range[1] && range[2] ? Number(range[2]) : s.size - 1;
    start = Math.max(0, start);
    end = Math.min(end, s.size - 1);
    if (start > end) {
      res.writeHead(416, { 'Content-Range': `bytes */${s.size}` }).end();
      return;
    }
    res.writeHead(206, {
      ...base,
      'Content-Range': `bytes ${start}-${end}/${s.size}`,
      'Content-Length': end - start + 1,
    });
    createReadStream(path, { start, end }).pipe(res);
    return;
  }
  res.writeHead(200, { ...base, 'Content-Length': s.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(path).pipe(res);
}
