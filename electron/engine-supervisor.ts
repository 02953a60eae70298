/**
 * The main-process side of the engine: starts the engine utility process, sends it contract
 * requests over a MessagePort and matches the answers, forwards host events, and restarts the
 * process when it dies unexpectedly. Requests in flight then reject with a clear sentence, runs
 * that were queued or running end with a run_error event, and the window keeps its tabs.
 */
import type { ApiError, HostEvent, QueueEntry, RequestName, RequestResults } from '../nodes/api/contract';
import type { EngineToMain, MainToEngine } from './engine-protocol';

/** One started engine process, however it was started (utilityProcess in the app, fakes in tests). */
export interface EngineConnection {
  post(message: MainToEngine): void;
  onMessage(listener: (m: EngineToMain) => void): void;
  onExit(listener: (code: number) => void): void;
  kill(): void;
}

export interface EngineSupervisorOptions {
  spawn(): EngineConnection;
  onEvent(e: HostEvent): void;
  log?(line: string): void;
  /** Wait before starting a replacement (ms). */
  restartDelayMs?: number;
  /** Give up after this many unexpected exits within `restartWindowMs`. */
  maxRestarts?: number;
  restartWindowMs?: number;
  now?(): number;
}

/** A request answered with an error: the contract's code and issues travel with the sentence. */
export class EngineRequestError extends Error {
  constructor(
    message: string,
    readonly code: ApiError['code'],
    readonly issues?: ApiError['issues'],
  ) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

interface Pending {
  name: RequestName;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class EngineSupervisor {
  private conn: EngineConnection | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private outbox: MainToEngine[] = [];
  private readonly exits: number[] = [];
  private lastQueue: QueueEntry[] = [];
  private stopped = false;
  private failure: string | undefined;
  private lastFatal: string | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  /** How many times the engine was started (1 = never restarted). */
  starts = 0;

  constructor(private readonly opts: EngineSupervisorOptions) {}

  start(): void {
    if (this.conn || this.stopped) return;
    this.starts++;
    const conn = this.opts.spawn();
    this.conn = conn;
    conn.onMessage((m) => this.onMessage(m));
    conn.onExit((code) => this.onExit(conn, code));
    const queued = this.outbox;
    this.outbox = [];
    for (const m of queued) conn.post(m);
  }

  /** Sends one contract request to the engine; rejects with EngineRequestError on an error answer. */
  request<K extends RequestName>(name: K, params: unknown): Promise<RequestResults[K]> {
    if (this.failure) return Promise.reject(new EngineRequestError(this.failure, 'internal'));
    if (this.stopped)
      return Promise.reject(new EngineRequestError('The engine has been shut down.', 'internal'));
    const id = this.nextId++;
    const message: MainToEngine = { kind: 'request', id, name, params };
    return new Promise<RequestResults[K]>((resolve, reject) => {
      this.pending.set(id, { name, resolve: resolve, reject });
      if (this.conn) {
        try {
          this.conn.post(message);
        } catch (e) {
          this.pending.delete(id);
          reject(
            new EngineRequestError(
              `Could not send "${name}" to the engine: ${(e as Error).message}`,
              'bad_request',
            ),
          );
        }
      } else this.outbox.push(message);
    });
  }

  /** Stops the engine for good (app quitting): no restart; requests in flight reject. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const conn = this.conn;
    this.conn = undefined;
    this.rejectAll(() => 'The engine was shut down before answering.');
    conn?.kill();
  }

  private onMessage(m: EngineToMain): void {
    if (m.kind === 'ready') {
      this.lastFatal = undefined;
      this.opts.log?.(`engine ready (pid ${m.pid})`);
    } else if (m.kind === 'fatal') {
      this.lastFatal = m.message;
      this.opts.log?.(`engine error: ${m.message}`);
    } else if (m.kind === 'event') {
      if (m.event.channel === 'queue') this.lastQueue = m.event.queue;
      this.opts.onEvent(m.event);
    } else if (m.kind === 'response') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new EngineRequestError(m.error.message, m.error.code, m.error.issues));
    }
  }

  private onExit(conn: EngineConnection, code: number): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    if (this.stopped) return;
    const now = this.opts.now?.() ?? Date.now();
    const windowMs = this.opts.restartWindowMs ?? 60_000;
    this.exits.push(now);
    while (this.exits.length > 0 && this.exits[0] < now - windowMs) this.exits.shift();
    const giveUp = this.exits.length > (this.opts.maxRestarts ?? 5);
    this.opts.log?.(
      `engine exited unexpectedly (code ${code})${giveUp ? '; not restarting' : '; restarting'}`,
    );

    const why =
      `The engine process stopped unexpectedly (exit code ${code}` +
      (this.lastFatal ? `: ${this.lastFatal}` : '') +
      ')';
    this.rejectAll((name) =>
      giveUp
        ? `${why}; "${name}" was not answered.`
        : `${why} and was restarted (engine restarted); "${name}" was not answered — try again.`,
    );
    this.endLostRuns(`${why}; this run was lost${giveUp ? '' : ' (the engine was restarted)'}.`);

    if (giveUp) {
      this.failure = `The engine keeps stopping (${this.exits.length} times in ${Math.round(windowMs / 1000)} s), so it was not restarted${this.lastFatal ? ` (last error: ${this.lastFatal})` : ''}. Open Help → Open Logs Folder for details, then restart Wan Studio.`;
      for (const m of this.outbox) {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.reject(new EngineRequestError(this.failure, 'internal'));
      }
      this.outbox = [];
      return;
    }
    this.restartTimer = setTimeout(() => this.start(), this.opts.restartDelayMs ?? 300);
  }

  private rejectAll(message: (name: RequestName) => string): void {
    const outboxIds = new Set(this.outbox.map((m) => m.id));
    for (const [id, p] of this.pending) {
      if (outboxIds.has(id)) continue; // not sent yet: goes to the next engine
      this.pending.delete(id);
      p.reject(new EngineRequestError(message(p.name), 'internal'));
    }
  }

  /** Runs the dead engine had queued or running can never finish: tell the UI they failed. */
  private endLostRuns(message: string): void {
    const lost = this.lastQueue;
    this.lastQueue = [];
    for (const entry of lost) {
      const error = { code: 'node_failed' as const, message };
      this.opts.onEvent({
        channel: 'engine',
        event: {
          type: 'run_error',
          runId: entry.runId,
          error,
          result: { ok: false, runId: entry.runId, outputs: [], nodes: {}, error },
        },
      });
    }
    if (lost.length > 0) this.opts.onEvent({ channel: 'queue', queue: [] });
  }
}
