/**
 * The editor's Content-Security-Policy, one definition for both hosts: browser mode allows
 * WebSocket connections (host events), the desktop window only its own origin (it talks to the
 * engine over IPC).
 */
export function editorCsp(connectSrc: string): string {
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    `media-src 'self' blob:; connect-src ${connectSrc}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`
  );
}
