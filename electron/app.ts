/**
 * The desktop shell's wiring, written against `ElectronLike` so tests run it with fakes: the
 * privileged app:// scheme, session security, the engine utility process (restarted when it
 * dies), IPC handlers, the native menu and the window.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostEvent, RequestName } from '../nodes/api/contract';
import type { Settings } from '../nodes/host/settings';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler, resolveServedFile } from './app-protocol';
import { APP_SCHEME, isAppUrl } from './app-url';
import { HOST_EVENT_CHANNEL, MENU_COMMAND_CHANNEL } from './channels';
import type { MenuCommand } from './commands';
import type { BrowserWindowLike, ElectronLike } from './electron-like';
import { engineEnv, spawnEngineProcess } from './engine-spawn';
import { EngineSupervisor } from './engine-supervisor';
import { registerIpcHandlers } from './ipc';
import { fileLogger } from './log';
import { buildMenuTemplate } from './menu';
import { applySessionSecurity, createMainWindow, guardWebContents } from './window';
import { WorkflowFiles } from './workflow-files';

export interface AppPaths {
  /** dist/electron/preload.cjs */
  preload: string;
  /** dist/electron/engine-process.js */
  engineEntry: string;
  /** dist/renderer */
  rendererDir: string;
  /** The packaged app's resources folder (process.resourcesPath), where ffmpeg is shipped. */
  resourcesDir?: string;
  icon?: string;
}

export interface StartOptions {
  paths: AppPaths;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  cwd: string;
  versions: Record<string, string | undefined>;
  /** Echo the log to stdout (default: in development). */
  echoLog?: boolean;
  /** Overrides for tests. */
  restartDelayMs?: number;
}

export interface RunningApp {
  engine: EngineSupervisor;
  window(): BrowserWindowLike | undefined;
  sendCommand(command: MenuCommand): void;
  /** Resolves once the app is ready and the window was created. */
  ready: Promise<void>;
}

/** The ffmpeg binary shipped in the packaged app's resources, if it is there. */
export function bundledFfmpeg(
  resourcesDir: string | undefined,
  platform: NodeJS.Platform,
  exists = existsSync,
): string | undefined {
  if (!resourcesDir) return undefined;
  const file = join(resourcesDir, 'ffmpeg', platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg');
  return exists(file) ? file : undefined;
}

export function startApp(e: ElectronLike, o: StartOptions): RunningApp {
  // Must happen before the app is ready.
  e.protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  const { app } = e;
  const isDev = !app.isPackaged;
  let win: BrowserWindowLike | undefined;
  let settings: Settings | undefined;

  app.setAppLogsPath();
  const logsDir = app.getPath('logs');
  const log = fileLogger(
    join(logsDir, 'main.log'),
    (o.echoLog ?? isDev) ? (t) => process.stdout.write(t) : undefined,
  );
  const baseDir = app.isPackaged ? join(app.getPath('documents'), 'Wan Studio') : o.cwd;

  const send = (channel: string, payload: unknown) => {
    if (win && !win.isDestroyed() && !win.webContents.isDestroyed()) win.webContents.send(channel, payload);
  };
  const engine = new EngineSupervisor({
    spawn: () =>
      spawnEngineProcess(e, {
        modulePath: o.paths.engineEntry,
        init: { kind: 'init', dataDir: app.getPath('userData'), baseDir },
        env: engineEnv(o.env, bundledFfmpeg(o.paths.resourcesDir, o.platform)),
        log,
      }),
    onEvent: (ev: HostEvent) => send(HOST_EVENT_CHANNEL, ev),
    log,
    ...(o.restartDelayMs !== undefined ? { restartDelayMs: o.restartDelayMs } : {}),
  });

  /** Requests go through here so main always knows the current output/input folders. */
  const request = async (name: RequestName, params: unknown): Promise<unknown> => {
    const result = await engine.request(name, params);
    if (name === 'settings.get' || name === 'settings.update') settings = result as Settings;
    return result;
  };
  const fileRoots = async (): Promise<string[]> => {
    settings ??= await engine.request('settings.get', {});
    return [settings.outputDir, settings.inputDir];
  };

  const openExternally = (url: string) => {
    void (async () => {
      if (isAppUrl(url) && new URL(url).pathname === '/files') {
        const file = await resolveServedFile(new URL(url).searchParams.get('path') ?? '', await fileRoots());
        if (file) await e.shell.openPath(file);
      } else if (url.startsWith('https://')) {
        await e.shell.openExternal(url);
      } else log(`blocked opening ${url}`);
    })().catch((err: unknown) => log(`could not open ${url}: ${String(err)}`));
  };

  const files = new WorkflowFiles({
    dialog: e.dialog,
    window: () => win,
    request: (name, params) => engine.request(name, params),
    defaultDir: () => settings?.outputDir ?? baseDir,
  });

  const sendCommand = (command: MenuCommand) => send(MENU_COMMAND_CHANNEL, command);
  const showWindow = () => {
    if (!win || win.isDestroyed()) {
      win = createMainWindow(e, {
        preload: o.paths.preload,
        title: 'Wan Studio',
        ...(o.paths.icon ? { icon: o.paths.icon } : {}),
      });
      win.on('closed', () => {
        win = undefined;
      });
    } else {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  };

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return { engine, window: () => win, sendCommand, ready: Promise.resolve() };
  }
  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, openExternally));
  app.on('window-all-closed', () => {
    if (o.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => engine.stop());

  const ready = app.whenReady().then(() => {
    applySessionSecurity(e.session.defaultSession);
    e.protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir: o.paths.rendererDir, fileRoots }));
    registerIpcHandlers({ ipcMain: e.ipcMain, request, tasks: files, log });
    const about = () => {
      const w = win;
      if (!w) return;
      void e.dialog.showMessageBox(w, {
        type: 'info',
        title: `About ${app.getName()}`,
        message: `Wan Studio ${app.getVersion()}`,
        detail: `Wan 2.2 video generation on a node graph.\nElectron ${o.versions.electron ?? '?'} · Chromium ${o.versions.chrome ?? '?'} · Node ${o.versions.node ?? '?'}`,
      });
    };
    e.Menu.setApplicationMenu(
      e.Menu.buildFromTemplate(
        buildMenuTemplate({
          appName: 'Wan Studio',
          platform: o.platform,
          isDev,
          actions: {
            send: sendCommand,
            showAbout: about,
            openLogsFolder: () => void e.shell.openPath(logsDir),
          },
        }),
      ),
    );
    engine.start();
    showWindow();
    app.on('activate', showWindow);
    log(`Wan Studio ${app.getVersion()} started (${isDev ? 'development' : 'packaged'})`);
  });
  ready.catch((err: unknown) => log(`start-up failed: ${String(err)}`));
  return { engine, window: () => win, sendCommand, ready };
}
