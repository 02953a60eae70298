/**
 * The messages between the main process and the engine utility process, and the engine side of
 * the conversation: requests by contract name in, answers and host events out. The port is
 * abstracted so tests can drive `serveHost` over Node's own MessageChannel.
 */
import type { ApiError, HostEvent, RequestName } from '../nodes/api/contract';

export type MainToEngine = { kind: 'request'; id: number; name: RequestName; params: unknown };

export type EngineToMain =
  | { kind: 'ready'; pid: number }
  /** The engine cannot go on (start-up failed, uncaught error); it exits right after. */
  | { kind: 'fatal'; message: string }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ApiError }
  | { kind: 'event'; event: HostEvent };

/** The first message main posts to a new engine process, with the MessagePort beside it. */
export interface EngineInit {
  kind: 'init';
  /** Where settings.json, autosave.json and history.jsonl live (the app's userData folder). */
  dataDir: string;
  /** Default model/input/output folders are placed under this folder. */
  baseDir: string;
}

/** One end of a message port, whatever the runtime (Electron MessagePortMain or Node's). */
export interface PortLike<In, Out> {
  post(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}

/** The part of StudioHost the engine side needs. */
export interface HostLike {
  handle(name: RequestName, params: unknown): Promise<unknown>;
  onEvent(listener: (e: HostEvent) => void): () => void;
}

const API_CODES = new Set<ApiError['code']>(['bad_request', 'not_found', 'internal', 'forbidden']);

/** Any thrown value as the contract's ApiError (StudioHost's ApiRequestError keeps its code and issues). */
export function toApiError(e: unknown): ApiError {
  if (e instanceof Error) {
    const { code, issues } = e as Error & { code?: unknown; issues?: ApiError['issues'] };
    const known = typeof code === 'string' && API_CODES.has(code as ApiError['code']);
    return {
      code: known ? (code as ApiError['code']) : 'internal',
      message: e.message,
      ...(known && issues ? { issues } : {}),
    };
  }
  return { code: 'internal', message: String(e) };
}

function isRequest(m: unknown): m is MainToEngine {
  return (
    typeof m === 'object' &&
    m !== null &&
    (m as MainToEngine).kind === 'request' &&
    typeof (m as MainToEngine).id === 'number'
  );
}

/** Answers requests arriving on `port` with `host` and forwards its events; then says ready. */
export function serveHost(
  port: PortLike<unknown, EngineToMain>,
  host: HostLike,
  pid = process.pid,
): () => void {
  const unsubscribe = host.onEvent((event) => port.post({ kind: 'event', event }));
  port.onMessage((m) => {
    if (!isRequest(m)) return;
    const fail = (e: unknown) => port.post({ kind: 'response', id: m.id, ok: false, error: toApiError(e) });
    host.handle(m.name, m.params).then((result) => {
      try {
        port.post({ kind: 'response', id: m.id, ok: true, result });
      } catch (e) {
        fail(new Error(`The answer to "${m.name}" could not be sent to the window: ${(e as Error).message}`));
      }
    }, fail);
  });
  port.post({ kind: 'ready', pid });
  return unsubscribe;
}
