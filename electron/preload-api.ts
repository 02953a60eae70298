/**
 * Builds `window.api` from an ipcRenderer: one function per contract request (each invoking its
 * own `api:<name>` channel), the host event stream, file URLs, the dialog tasks and menu
 * commands. Kept apart from preload.ts so tests can build it with a fake ipcRenderer.
 */
import type { HostEvent } from '../nodes/api/contract';
import { fileUrlFor } from './app-url';
import {
  apiChannel,
  DESKTOP_CHANNELS,
  HOST_EVENT_CHANNEL,
  MENU_COMMAND_CHANNEL,
  REQUEST_NAMES,
  type IpcReply,
} from './channels';
import { isMenuCommand, type MenuCommand } from './commands';
import type { DesktopApi } from './desktop-api';

/** The slice of Electron's ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** An error answered by the main process or the engine: the sentence, plus code and issues. */
export class DesktopApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly issues?: Array<{ path: (string | number)[]; message: string }>,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

async function invoke<T>(ipc: IpcRendererLike, channel: string, ...args: unknown[]): Promise<T> {
  const reply = (await ipc.invoke(channel, ...args)) as IpcReply<T> | undefined;
  if (!reply || typeof reply !== 'object')
    throw new DesktopApiError(`No answer on "${channel}".`, 'internal');
  if (!reply.ok) throw new DesktopApiError(reply.error.message, reply.error.code, reply.error.issues);
  return reply.result;
}

function subscribe<T>(
  ipc: IpcRendererLike,
  channel: string,
  accept: (v: unknown) => v is T,
  listener: (v: T) => void,
) {
  const handler = (_event: unknown, value: unknown) => {
    if (accept(value)) listener(value);
  };
  ipc.on(channel, handler);
  return () => {
    ipc.removeListener(channel, handler);
  };
}

const isHostEvent = (v: unknown): v is HostEvent => typeof v === 'object' && v !== null && 'channel' in v;

export function createDesktopApi(ipc: IpcRendererLike): DesktopApi {
  const api: Record<string, unknown> = {
    onEvent: (listener: (e: HostEvent) => void) => subscribe(ipc, HOST_EVENT_CHANNEL, isHostEvent, listener),
    fileUrl: (path: string) => fileUrlFor(String(path)),
    openWorkflowDialog: () => invoke(ipc, DESKTOP_CHANNELS.openWorkflowDialog),
    saveWorkflowDialog: (doc: unknown, suggestedName: string) =>
      invoke(ipc, DESKTOP_CHANNELS.saveWorkflowDialog, doc, suggestedName),
    saveWorkflowFile: (path: string, doc: unknown, baseMtimeMs?: number) =>
      invoke(ipc, DESKTOP_CHANNELS.saveWorkflowFile, path, doc, baseMtimeMs),
    onMenuCommand: (listener: (c: MenuCommand) => void) =>
      subscribe(ipc, MENU_COMMAND_CHANNEL, isMenuCommand, listener),
  };
  for (const name of REQUEST_NAMES) {
    api[name] = (params: unknown) => invoke(ipc, apiChannel(name), params ?? {});
  }
  return api as unknown as DesktopApi;
}
