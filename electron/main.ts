/**
 * Electron main entry (bundled to dist/electron/main.js by build/build-electron.ts). All wiring
 * lives in app.ts, written against ElectronLike so it is tested without Electron.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  session,
  shell,
  utilityProcess,
} from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApp } from './app';
import type { ElectronLike } from './electron-like';

const here = dirname(fileURLToPath(import.meta.url));

// The windows the shell hands to dialogs are the BrowserWindows it created.
const asWindow = (w: unknown) => w as BrowserWindow;

const electron: ElectronLike = {
  app,
  BrowserWindow,
  Menu,
  ipcMain,
  dialog: {
    showOpenDialog: (w, o) => dialog.showOpenDialog(asWindow(w), o),
    showSaveDialog: (w, o) => dialog.showSaveDialog(asWindow(w), o),
    showMessageBox: (w, o) => dialog.showMessageBox(asWindow(w), o),
  },
  shell,
  protocol,
  session,
  utilityProcess,
  MessageChannelMain,
};

startApp(electron, {
  paths: {
    preload: join(here, 'preload.cjs'),
    engineEntry: join(here, 'engine-process.js'),
    rendererDir: join(here, '..', 'renderer'),
    // Packaged builds carry the icon in the executable / .desktop entry; in development use build/.
    ...(app.isPackaged
      ? { resourcesDir: process.resourcesPath }
      : { icon: join(here, '..', '..', 'build', 'icon.png') }),
  },
  env: process.env,
  platform: process.platform,
  cwd: process.cwd(),
  versions: process.versions,
});
