/**
 * The slice of Electron's main-process API the shell uses, as narrow structural types. main.ts
 * passes the real `electron` module; tests pass fakes. Option and result types come from
 * Electron's own typings (type-only: nothing here loads Electron).
 */
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  ForkOptions,
  HeadersReceivedResponse,
  MenuItemConstructorOptions,
  MessageBoxOptions,
  MessageBoxReturnValue,
  OnHeadersReceivedListenerDetails,
  OpenDialogOptions,
  OpenDialogReturnValue,
  SaveDialogOptions,
  SaveDialogReturnValue,
} from 'electron';

/** The event a navigation listener receives. */
export interface NavigationEventLike {
  preventDefault(): void;
  url?: string;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: NavigationEventLike, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEventLike) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  isDestroyed(): boolean;
  openDevTools(): void;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
}

export interface AppLike {
  readonly isPackaged: boolean;
  whenReady(): Promise<void>;
  on(
    event: 'window-all-closed' | 'activate' | 'before-quit' | 'second-instance',
    listener: () => void,
  ): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
  quit(): void;
  getPath(name: 'userData' | 'logs' | 'documents'): string;
  setAppLogsPath(path?: string): void;
  getName(): string;
  getVersion(): string;
  requestSingleInstanceLock(): boolean;
}

/** The IPC event a main-process handler receives: who sent it. */
export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
}

export interface DialogLike {
  showOpenDialog(window: BrowserWindowLike, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(window: BrowserWindowLike, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showMessageBox(window: BrowserWindowLike, options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

export interface ShellLike {
  openPath(path: string): Promise<string>;
  openExternal(url: string): Promise<void>;
}

export interface SessionLike {
  readonly webRequest: {
    onHeadersReceived(
      listener: (
        details: OnHeadersReceivedListenerDetails,
        callback: (response: HeadersReceivedResponse) => void,
      ) => void,
    ): void;
  };
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  start(): void;
  close(): void;
}

export interface ReadableLike {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

export interface UtilityProcessLike {
  postMessage(message: unknown, transfer?: MessagePortMainLike[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
  readonly stdout: ReadableLike | null;
  readonly stderr: ReadableLike | null;
}

export interface MenuLike {
  buildFromTemplate(template: MenuItemConstructorOptions[]): unknown;
  setApplicationMenu(menu: unknown): void;
}

export interface ElectronLike {
  app: AppLike;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;
  Menu: MenuLike;
  ipcMain: IpcMainLike;
  dialog: DialogLike;
  shell: ShellLike;
  protocol: ProtocolLike;
  session: { readonly defaultSession: SessionLike };
  utilityProcess: { fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcessLike };
  MessageChannelMain: new () => { port1: MessagePortMainLike; port2: MessagePortMainLike };
}
