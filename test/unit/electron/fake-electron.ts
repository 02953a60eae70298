/**
 * A fake of the Electron main-process API (ElectronLike) that records what the shell does:
 * windows created, handlers registered, messages sent, processes forked. Test helper only.
 */
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  ForkOptions,
  HeadersReceivedResponse,
  MenuItemConstructorOptions,
  OnHeadersReceivedListenerDetails,
} from 'electron';
import type {
  BrowserWindowLike,
  ElectronLike,
  IpcInvokeEventLike,
  MessagePortMainLike,
  NavigationEventLike,
  UtilityProcessLike,
  WebContentsLike,
} from '../../../electron/electron-like';

export class FakeWebContents extends EventEmitter implements WebContentsLike {
  sent: Array<{ channel: string; args: unknown[] }> = [];
  openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  destroyed = false;
  devtools = 0;
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  openDevTools(): void {
    this.devtools++;
  }
  /** Fires a navigation event; true when the shell let it through. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    const e: NavigationEventLike = { url, preventDefault: () => (prevented = true) };
    this.emit(event, e, url);
    return !prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter implements BrowserWindowLike {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: string[] = [];
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {}
  focus(): void {}
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakePort extends EventEmitter implements MessagePortMainLike {
  other: FakePort | undefined;
  posted: unknown[] = [];
  started = false;
  closed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
    const other = this.other;
    if (other) setImmediate(() => other.emit('message', { data: message }));
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
}

export class FakeChannel {
  port1 = new FakePort();
  port2 = new FakePort();
  constructor() {
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
}

export class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  initMessages: Array<{ message: unknown; transfer: MessagePortMainLike[] }> = [];
  killed = false;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  constructor(
    readonly modulePath: string,
    readonly options: ForkOptions | undefined,
  ) {
    super();
  }
  postMessage(message: unknown, transfer: MessagePortMainLike[] = []): void {
    this.initMessages.push({ message, transfer });
  }
  kill(): boolean {
    this.killed = true;
    setImmediate(() => this.emit('exit', 0));
    return true;
  }
  /** The engine's end of the MessagePort handed over in the init message. */
  get enginePort(): FakePort {
    return this.initMessages[0].transfer[0] as FakePort;
  }
  /** Simulates a crash. */
  crash(code = 1): void {
    this.emit('exit', code);
  }
}

type Handler = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

export function fakeElectron(opts: { isPackaged?: boolean; dirs?: Partial<Record<string, string>> } = {}) {
  FakeBrowserWindow.created = [];
  const calls: string[] = [];
  const handlers = new Map<string, Handler>();
  const appEvents = new EventEmitter();
  const forked: FakeUtilityProcess[] = [];
  let headersListener:
    ((d: OnHeadersReceivedListenerDetails, cb: (r: HeadersReceivedResponse) => void) => void) | undefined;
  let permissionRequest: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | undefined;
  let permissionCheck: ((wc: unknown, p: string) => boolean) | undefined;
  let protocolHandler: ((r: Request) => Response | Promise<Response>) | undefined;
  let menuTemplate: MenuItemConstructorOptions[] | undefined;
  let resolveReady!: () => void;
  const whenReady = new Promise<void>((r) => (resolveReady = r));
  const privileged: CustomScheme[] = [];
  const opened: string[] = [];

  const electron: ElectronLike = {
    app: {
      isPackaged: opts.isPackaged ?? false,
      whenReady: () => whenReady,
      on: (event: string, listener: (...a: never[]) => void) =>
        appEvents.on(event, listener as (...a: unknown[]) => void),
      quit: () => calls.push('quit'),
      getPath: (name) => opts.dirs?.[name] ?? `/fake/${name}`,
      setAppLogsPath: () => undefined,
      getName: () => 'Wan Studio',
      getVersion: () => '0.1.0',
      requestSingleInstanceLock: () => true,
    },
    BrowserWindow: FakeBrowserWindow,
    Menu: {
      buildFromTemplate: (t) => {
        menuTemplate = t;
        return { template: t };
      },
      setApplicationMenu: () => calls.push('setApplicationMenu'),
    },
    ipcMain: {
      handle: (channel, listener) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, listener);
      },
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
      showSaveDialog: () => Promise.resolve({ canceled: true, filePath: '' }),
      showMessageBox: () => Promise.resolve({ response: 0, checkboxChecked: false }),
    },
    shell: {
      openPath: (p) => {
        opened.push(p);
        return Promise.resolve('');
      },
      openExternal: (u) => {
        opened.push(u);
        return Promise.resolve();
      },
    },
    protocol: {
      registerSchemesAsPrivileged: (s) => {
        calls.push('registerSchemesAsPrivileged');
        privileged.push(...s);
      },
      handle: (scheme, handler) => {
        calls.push(`protocol.handle:${scheme}`);
        protocolHandler = handler;
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l) => (headersListener = l) },
        setPermissionRequestHandler: (h) => (permissionRequest = h),
        setPermissionCheckHandler: (h) => (permissionCheck = h),
      },
    },
    utilityProcess: {
      fork: (modulePath: string, _args?: string[], options?: ForkOptions) => {
        const p = new FakeUtilityProcess(modulePath, options);
        forked.push(p);
        return p;
      },
    },
    MessageChannelMain: FakeChannel,
  };

  return {
    electron,
    calls,
    handlers,
    appEvents,
    forked,
    privileged,
    opened,
    windows: FakeBrowserWindow.created,
    ready: () => resolveReady(),
    get headersListener() {
      return headersListener;
    },
    get permissionRequest() {
      return permissionRequest;
    },
    get permissionCheck() {
      return permissionCheck;
    },
    get protocolHandler() {
      return protocolHandler;
    },
    get menuTemplate() {
      return menuTemplate;
    },
    /** Calls an IPC handler as a frame at `url` would. */
    invoke(channel: string, url: string | null, ...args: unknown[]): Promise<unknown> {
      const h = handlers.get(channel);
      if (!h) throw new Error(`no handler for ${channel}`);
      return Promise.resolve(h({ senderFrame: url === null ? null : { url } }, ...args));
    },
  };
}
