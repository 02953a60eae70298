/**
 * Browser-mode access control. On loopback no token is needed. Bound anywhere else, every
 * request needs the token: passed once in the URL (`?token=…`), then kept in an HttpOnly,
 * SameSite=Strict cookie (or sent as `Authorization: Bearer …` by scripts). WebSocket upgrades
 * also need an Origin equal to the server's own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'wan_studio_token';

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  const h = host.replace(/^\[|\]$/g, '');
  return h === '::1';
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export type AuthResult = { ok: true; setCookie?: string } | { ok: false };

/** Checks a request against `token` (undefined = no token required). */
export function authorize(req: IncomingMessage, url: URL, token: string | undefined): AuthResult {
  if (token === undefined) return { ok: true };
  const fromCookie = cookieToken(req);
  if (fromCookie !== undefined && safeEqual(fromCookie, token)) return { ok: true };
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7), token)) return { ok: true };
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && safeEqual(fromQuery, token)) {
    return {
      ok: true,
      setCookie: `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }
  return { ok: false };
}

/** A WebSocket upgrade must come from a page this server served. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  const host = req.headers.host;
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
