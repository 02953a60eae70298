/**
 * The renderer's only way to the engine: `window.api` when the Electron preload provides it,
 * otherwise browser mode's HTTP + WebSocket client. Both implement the same StudioApi; the
 * preload adds the desktop extras (native dialogs, save to a path, menu commands).
 */
import type { StudioApi } from '../../nodes/api/contract';
import type { DesktopExtras } from '../../electron/desktop-api';
import { createHttpApi, fileUrl as httpFileUrl } from './http-api';

declare global {
  interface Window {
    api?: StudioApi & Partial<DesktopExtras>;
  }
}

let cached: StudioApi | undefined;

export function api(): StudioApi {
  cached ??= window.api ?? createHttpApi();
  return cached;
}

/** The desktop extras when running under the Electron preload; undefined in browser mode. */
export function desktop(): DesktopExtras | undefined {
  const w = typeof window === 'undefined' ? undefined : window.api;
  return w &&
    typeof w.openWorkflowDialog === 'function' &&
    typeof w.saveWorkflowDialog === 'function' &&
    typeof w.saveWorkflowFile === 'function' &&
    typeof w.onMenuCommand === 'function' &&
    typeof w.fileUrl === 'function'
    ? (w as DesktopExtras)
    : undefined;
}

export function fileUrl(path: string): string {
  return window.api?.fileUrl ? window.api.fileUrl(path) : httpFileUrl(path);
}
