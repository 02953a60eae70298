/**
 * The preload (sandboxed, context-isolated): exposes `window.api` — the contract's requests as
 * task-level functions plus the desktop extras — and nothing else. Bundled to a single CommonJS
 * file whose only import is `electron` (what a sandboxed preload may require).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createDesktopApi } from './preload-api';

contextBridge.exposeInMainWorld('api', createDesktopApi(ipcRenderer));
