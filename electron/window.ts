/**
 * The main window and the rules every web contents lives by: secure webPreferences, the app's
 * CSP on every response, navigation and new windows limited to the app's own pages, and every
 * permission request denied.
 */
import type { WebPreferences } from 'electron';
import { APP_ENTRY, isAppUrl } from './app-url';
import { withCsp } from './csp';
import type { BrowserWindowLike, ElectronLike, SessionLike, WebContentsLike } from './electron-like';

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export interface MainWindowOptions {
  preload: string;
  title: string;
  icon?: string;
}

/** Creates the editor window and loads the app's entry page from the app:// protocol. */
export function createMainWindow(
  e: Pick<ElectronLike, 'BrowserWindow'>,
  opts: MainWindowOptions,
): BrowserWindowLike {
  const win = new e.BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    title: opts.title,
    show: false,
    backgroundColor: '#1b1c20',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: secureWebPreferences(opts.preload),
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}

/**
 * Navigation stays inside the app; `window.open` never opens a window. Links the page tries to
 * open go to `openExternally` (the app decides: https → system browser, app files → system player).
 */
export function guardWebContents(contents: WebContentsLike, openExternally: (url: string) => void): void {
  const keepInside = (event: { preventDefault(): void; url?: string }, url: string) => {
    if (!isAppUrl(event.url ?? url)) event.preventDefault();
  };
  contents.on('will-navigate', keepInside);
  contents.on('will-redirect', keepInside);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
}

/** The CSP header on every response of the session, and no permission ever granted. */
export function applySessionSecurity(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
