/**
 * The `app://` protocol: serves the built editor (dist/renderer) and, at `/files?path=…`, output
 * and input files — each path confined to its folder (no `..`, no symlink escapes; the same
 * `confinedPath` as browser mode), with byte ranges so the video player can seek. Written against
 * the Fetch API's Request/Response, so tests call it directly.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CustomScheme } from 'electron';
import { confinedPath, contentTypeOf } from '../nodes/host/server/static-files';
import { APP_HOST, APP_SCHEME } from './app-url';
import { ELECTRON_CSP } from './csp';

/** Registered before the app is ready: a standard, secure origin that may stream media and use fetch. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
};

export interface AppProtocolOptions {
  /** The built editor (index.html and its assets). */
  rendererDir: string;
  /** Folders whose files `/files?path=` may serve: the output and input folders of the current settings. */
  fileRoots(): string[] | Promise<string[]>;
}

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}

/** `path` resolved inside one of `roots`, or undefined when it lies in none of them. */
export async function resolveServedFile(path: string, roots: string[]): Promise<string | undefined> {
  if (!isAbsolute(path)) return undefined;
  for (const root of roots) {
    const rel = relative(resolve(root), resolve(path));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    const file = await confinedPath(root, rel);
    if (file) return file;
  }
  return undefined;
}

/** A file as a Response, honouring a `Range: bytes=a-b` request header. */
export async function fileResponse(
  path: string,
  method: string,
  range: string | null,
  headers: Record<string, string> = {},
): Promise<Response> {
  const s = await stat(path);
  if (!s.isFile()) return text(404, 'Not a file.');
  const base: Record<string, string> = {
    'Content-Type': contentTypeOf(path),
    'Accept-Ranges': 'bytes',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  };
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null;
  let start = 0;
  let end = s.size - 1;
  let status = 200;
  if (m && (m[1] || m[2])) {
    start = m[1] ? Number(m[1]) : Math.max(0, s.size - Number(m[2]));
    end = m[1] && m[2] ? Math.min(Number(m[2]), s.size - 1) : s.size - 1;
    if (start > end || start >= s.size) {
      return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${s.size}` } });
    }
    status = 206;
    base['Content-Range'] = `bytes ${start}-${end}/${s.size}`;
  }
  base['Content-Length'] = String(s.size === 0 ? 0 : end - start + 1);
  if (method === 'HEAD' || s.size === 0) return new Response(null, { status, headers: base });
  const body = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers: base });
}

export function createAppProtocolHandler(opts: AppProtocolOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'Bad URL.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST)
      return text(404, `Not found: ${request.url}`);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return text(405, 'Only GET and HEAD are served.');
    const range = request.headers.get('range');

    if (url.pathname === '/files') {
      const path = url.searchParams.get('path') ?? '';
      const file = await resolveServedFile(path, await opts.fileRoots());
      if (!file) return text(404, `No such output or input file: ${path}`);
      return fileResponse(file, request.method, range, { 'Cache-Control': 'no-cache' });
    }

    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      return text(400, 'Bad path.');
    }
    const file = await confinedPath(opts.rendererDir, rel === '' ? 'index.html' : rel);
    if (!file) {
      const built = await confinedPath(opts.rendererDir, 'index.html');
      return built
        ? text(404, `Not found: ${url.pathname}`)
        : text(
            500,
            `The editor is not built (no index.html in ${opts.rendererDir}): run "npm run build:renderer".`,
          );
    }
    return fileResponse(file, request.method, range, {
      'Content-Security-Policy': ELECTRON_CSP,
      'Cache-Control': 'no-cache',
    });
  };
}
