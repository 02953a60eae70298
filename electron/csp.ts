/**
 * The window's Content-Security-Policy: browser mode's policy (nodes/host/server/server.ts)
 * with connect-src narrowed to the app itself — the desktop window talks to the engine over
 * IPC, never over WebSocket. A unit test keeps the two in step.
 */
import { editorCsp } from '../nodes/api/csp';

export const ELECTRON_CSP = editorCsp("'self'");

/** Response headers with every existing CSP header replaced by `csp`. */
export function withCsp(
  headers: Record<string, string[]> | undefined,
  csp = ELECTRON_CSP,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() !== 'content-security-policy') out[k] = v;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
