/**
 * Main-process IPC handlers: one per contract request (`api:<name>`) plus the dialog tasks.
 * Every call is checked twice before it reaches the engine: the sender must be a frame of the
 * app's own origin, and the payload must pass the contract's zod schema. Answers travel as
 * `{ok, result | error}` so the error's code, sentence and issues reach the page intact.
 */
import { requestSchemas, type ApiError, type RequestName } from '../nodes/api/contract';
import { isAppUrl } from './app-url';
import { apiChannel, DESKTOP_CHANNELS, REQUEST_NAMES, type IpcReply } from './channels';
import type { IpcInvokeEventLike, IpcMainLike } from './electron-like';
import { toApiError } from './engine-protocol';

export interface DesktopTasks {
  openWorkflowDialog(): Promise<unknown>;
  saveWorkflowDialog(doc: unknown, suggestedName: unknown): Promise<unknown>;
  saveWorkflowFile(path: unknown, doc: unknown, baseMtimeMs: unknown): Promise<unknown>;
}

export interface IpcDeps {
  ipcMain: IpcMainLike;
  request(name: RequestName, params: unknown): Promise<unknown>;
  tasks: DesktopTasks;
  log?(line: string): void;
}

/** Only the app's own pages (app://studio/…) may call the main process. */
export function isTrustedSender(event: IpcInvokeEventLike): boolean {
  return isAppUrl(event.senderFrame?.url);
}

/** The contract's check of a request's params, with the same sentence StudioHost answers. */
export function checkParams(name: RequestName, params: unknown): ApiError | undefined {
  const parsed = requestSchemas[name].safeParse(params ?? {});
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path as (string | number)[],
    message: i.message,
  }));
  return {
    code: 'bad_request',
    message:
      `Bad parameters for "${name}": ` +
      issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
    issues,
  };
}

function guarded(
  deps: IpcDeps,
  channel: string,
  run: (...args: unknown[]) => Promise<unknown>,
): (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<IpcReply<unknown>> {
  return async (event, ...args) => {
    if (!isTrustedSender(event)) {
      const from = event.senderFrame?.url || 'an unknown frame';
      deps.log?.(`refused ${channel} from ${from}`);
      return {
        ok: false,
        error: {
          code: 'forbidden',
          message: `Refused "${channel}" from ${from}: only Wan Studio's own window may use it.`,
        },
      };
    }
    try {
      return { ok: true, result: await run(...args) };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  };
}

/** Registers every handler; returns the channel names (one per contract request + the tasks). */
export function registerIpcHandlers(deps: IpcDeps): string[] {
  const channels: string[] = [];
  for (const name of REQUEST_NAMES) {
    const channel = apiChannel(name);
    deps.ipcMain.handle(
      channel,
      guarded(deps, channel, async (params) => {
        const bad = checkParams(name, params);
        if (bad) throw Object.assign(new Error(bad.message), { code: bad.code, issues: bad.issues });
        return deps.request(name, params ?? {});
      }),
    );
    channels.push(channel);
  }
  const t = deps.tasks;
  const tasks: Record<string, (...a: unknown[]) => Promise<unknown>> = {
    [DESKTOP_CHANNELS.openWorkflowDialog]: () => t.openWorkflowDialog(),
    [DESKTOP_CHANNELS.saveWorkflowDialog]: (doc, name) => t.saveWorkflowDialog(doc, name),
    [DESKTOP_CHANNELS.saveWorkflowFile]: (path, doc, base) => t.saveWorkflowFile(path, doc, base),
  };
  for (const [channel, run] of Object.entries(tasks)) {
    deps.ipcMain.handle(channel, guarded(deps, channel, run));
    channels.push(channel);
  }
  return channels;
}
