/**
 * The renderer's only way to the engine: `window.api` when the Electron preload provides it,
 * otherwise browser mode's HTTP + WebSocket client. Both implement the same StudioApi.
 */
import type { StudioApi } from '../../nodes/api/contract';
import { createHttpApi, fileUrl as httpFileUrl } from './http-api';

declare global {
  interface Window {
    api?: StudioApi & { fileUrl?: (path: string) => string };
  }
}

let cached: StudioApi | undefined;

export function api(): StudioApi {
  cached ??= window.api ?? createHttpApi();
  return cached;
}

export function fileUrl(path: string): string {
  return window.api?.fileUrl ? window.api.fileUrl(path) : httpFileUrl(path);
}
