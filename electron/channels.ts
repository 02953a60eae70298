/**
 * IPC channel names between the preload and the main process. Requests of the API contract
 * travel on `api:<request name>`; nothing else is reachable from the renderer. Importable by
 * the sandboxed preload: type-only imports from the contract, no zod, no Node modules.
 */
import type { RequestName } from '../nodes/api/contract';

/**
 * Every request name of the contract, as data the preload can loop over. `contract-check.ts`
 * fails `tsc` when this list misses a contract request or names one the contract lacks, and a
 * unit test compares it with `Object.keys(requestSchemas)` at run time.
 */
export const REQUEST_NAMES = [
  'nodes.catalog',
  'templates.list',
  'workflow.validate',
  'workflow.import',
  'workflow.export',
  'run.enqueue',
  'run.cancel',
  'queue.list',
  'queue.remove',
  'queue.move',
  'history.list',
  'files.list',
  'autosave.write',
  'autosave.read',
  'settings.get',
  'settings.update',
] as const satisfies readonly RequestName[];

export type ApiChannel = `api:${RequestName}`;

export function apiChannel<K extends RequestName>(name: K): `api:${K}` {
  return `api:${name}`;
}

/** Main → renderer: host events (engine progress, queue, history) and menu commands. */
export const HOST_EVENT_CHANNEL = 'host:event';
export const MENU_COMMAND_CHANNEL = 'menu:command';

/** Renderer → main: the task-level desktop functions (dialogs and saving to a chosen file). */
export const DESKTOP_CHANNELS = {
  openWorkflowDialog: 'desktop:openWorkflowDialog',
  saveWorkflowDialog: 'desktop:saveWorkflowDialog',
  saveWorkflowFile: 'desktop:saveWorkflowFile',
} as const;

/** What every invoke channel answers: errors travel as data so code and issues survive IPC. */
export type IpcReply<T> =
  | { ok: true; result: T }
  | {
      ok: false;
      error: {
        code: string;
        message: string;
        issues?: Array<{ path: (string | number)[]; message: string }>;
      };
    };
