/**
 * Browser mode: the same renderer and the same API as the desktop app, over HTTP + WebSocket.
 *   GET  /                 the editor (dist/renderer), with a CSP
 *   POST /api/<request>    one request of the contract; JSON body = params;
 *                          answers {ok:true,result} or {ok:false,error:{code,message,issues?}}
 *   GET  /files?path=…     an output or input file (confined to those folders; byte ranges)
 *   WS   /events           host events (engine, queue, history)
 * Binds 127.0.0.1 unless told otherwise; anywhere else it requires a token (see auth.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { requestSchemas, type RequestName } from '../../api/contract';
import { editorCsp } from '../../api/csp';
import { ApiRequestError, type StudioHost } from '../studio-host';
import { authorize, isLoopbackHost, newToken, originAllowed } from './auth';
import { confinedPath, sendFile } from './static-files';

export const RENDERER_DIST = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

export const CSP = editorCsp("'self' ws: wss:");

const MAX_BODY = 768 * 1024 * 1024;

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Force a token even on loopback (tests); a token is always required off loopback. */
  token?: string;
  rendererDir?: string;
}

export interface RunningServer {
  url: string;
  token: string | undefined;
  server: Server;
  close(): Promise<void>;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiRequestError('bad_request', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function serve(host: StudioHost, opts: ServeOptions = {}): Promise<RunningServer> {
  const bindHost = opts.host ?? '127.0.0.1';
  const token = opts.token ?? (isLoopbackHost(bindHost) ? undefined : newToken());
  const rendererDir = opts.rendererDir ?? RENDERER_DIST;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, name: string, setCookie?: string) => {
    const extra: Record<string, string> = setCookie ? { 'Set-Cookie': setCookie } : {};
    if (req.method !== 'POST')
      return json(res, 405, { ok: false, error: { code: 'bad_request', message: 'Use POST.' } }, extra);
    if (!(name in requestSchemas))
      return json(
        res,
        404,
        { ok: false, error: { code: 'not_found', message: `Unknown request "${name}".` } },
        extra,
      );
    try {
      const text = await readBody(req);
      let params: unknown = {};
      if (text.trim() !== '') {
        try {
          params = JSON.parse(text);
        } catch {
          throw new ApiRequestError('bad_request', `The body of "${name}" is not valid JSON.`);
        }
      }
      const result = await host.handle(name as RequestName, params);
      json(res, 200, { ok: true, result }, extra);
    } catch (e) {
      if (e instanceof ApiRequestError) {
        json(
          res,
          e.code === 'bad_request' ? 400 : 404,
          { ok: false, error: { code: e.code, message: e.message, issues: e.issues } },
          extra,
        );
      } else {
        json(
          res,
          500,
          { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } },
          extra,
        );
      }
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = authorize(req, url, token);
    if (!auth.ok) {
      json(res, 401, {
        ok: false,
        error: {
          code: 'forbidden',
          message: 'This Wan Studio server needs its access token (printed when it started).',
        },
      });
      return;
    }
    const cookie = auth.setCookie;
    void (async () => {
      try {
        if (url.pathname.startsWith('/api/')) return await handleApi(req, res, url.pathname.slice(5), cookie);
        if (url.pathname === '/files') {
          const p = url.searchParams.get('path') ?? '';
          const s = host.currentSettings;
          for (const root of [s.outputDir, s.inputDir]) {
            const rel = p.startsWith(root) ? p.slice(root.length) : undefined;
            const file = rel !== undefined ? await confinedPath(root, rel) : undefined;
            if (file) return await sendFile(req, res, file, cookie ? { 'Set-Cookie': cookie } : {});
          }
          return json(res, 404, {
            ok: false,
            error: { code: 'not_found', message: `No such output file: ${p}` },
          });
        }
        const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
        const file = await confinedPath(rendererDir, rel);
        if (!file) {
          const built = await confinedPath(rendererDir, 'index.html');
          return built
            ? json(res, 404, {
                ok: false,
                error: { code: 'not_found', message: `Not found: ${url.pathname}` },
              })
            : json(res, 500, {
                ok: false,
                error: {
                  code: 'internal',
                  message: 'The editor is not built: run "npm run build:renderer".',
                },
              });
        }
        const headers: Record<string, string> = {
          'Content-Security-Policy': CSP,
          'Cache-Control': 'no-cache',
        };
        if (cookie) headers['Set-Cookie'] = cookie;
        await sendFile(req, res, file, headers);
      } catch (e) {
        if (!res.headersSent)
          json(res, 500, { ok: false, error: { code: 'internal', message: (e as Error).message } });
        else res.destroy();
      }
    })();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const clients = new Set<WebSocket>();
  const unsubscribe = host.onEvent((e) => {
    const text = JSON.stringify(e);
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text);
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/events' || !originAllowed(req) || !authorize(req, url, token).ok) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', () => undefined); // requests go over HTTP; the socket only pushes events
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost}:${addr.port}/`;
  return {
    url,
    token,
    server,
    close: async () => {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
