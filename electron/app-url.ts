/**
 * The app's own origin. The renderer is served from `app://studio/` by a privileged custom
 * protocol (not file://), so the CSP's 'self' means exactly the app's pages and files, and
 * output videos are reachable as `app://studio/files?path=…` (confined to the output and input
 * folders by the protocol handler). Pure: used by main and the preload alike.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** True for a URL of the app's own pages or files (scheme and host both match). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The URL the page loads for an output/input file path given by the host. */
export function fileUrlFor(path: string): string {
  return `${APP_ORIGIN}/files?path=${encodeURIComponent(path)}`;
}
