/**
 * The StudioApi over browser mode's HTTP + WebSocket transport: requests are POST /api/<name>,
 * host events arrive on WS /events (reconnecting with back-off).
 */
import {
  requestSchemas,
  type ApiError,
  type HostEvent,
  type RequestName,
  type RequestParams,
  type RequestResults,
  type StudioApi,
} from '../../nodes/api/contract';

export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

export function createHttpApi(base = ''): StudioApi {
  const listeners = new Set<(e: HostEvent) => void>();
  let socket: WebSocket | undefined;
  let retry = 250;

  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}${base}/events`);
    socket.onopen = () => {
      retry = 250;
    };
    socket.onmessage = (m: MessageEvent<string>) => {
      let e: HostEvent;
      try {
        e = JSON.parse(m.data) as HostEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(e);
    };
    socket.onclose = () => {
      socket = undefined;
      if (listeners.size > 0) setTimeout(connect, (retry = Math.min(retry * 2, 5000)));
    };
  };

  const call = async <K extends RequestName>(
    name: K,
    params: RequestParams<K>,
  ): Promise<RequestResults[K]> => {
    const res = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(params),
      credentials: 'same-origin',
    });
    const body = (await res.json()) as
      { ok: true; result: RequestResults[K] } | { ok: false; error: ApiError };
    if (!body.ok) throw new ApiCallError(body.error);
    return body.result;
  };

  const api = {
    onEvent(listener: (e: HostEvent) => void) {
      listeners.add(listener);
      if (!socket) connect();
      return () => {
        listeners.delete(listener);
      };
    },
  } as Partial<StudioApi>;
  for (const name of Object.keys(requestSchemas) as RequestName[]) {
    (api as Record<string, unknown>)[name] = (params: never) => call(name, params);
  }
  return api as StudioApi;
}

/** A URL the page can load for an output/input file path given by the host. */
export function fileUrl(path: string): string {
  return `/files?path=${encodeURIComponent(path)}`;
}
