import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostEvent } from '../../../nodes/api/contract';
import type { EngineToMain, MainToEngine } from '../../../electron/engine-protocol';
import type { EngineRequestError } from '../../../electron/engine-supervisor';
import { EngineSupervisor, type EngineConnection } from '../../../electron/engine-supervisor';

class FakeEngine implements EngineConnection {
  received: MainToEngine[] = [];
  killed = false;
  private messageListener: ((m: EngineToMain) => void) | undefined;
  private exitListener: ((code: number) => void) | undefined;
  post(m: MainToEngine): void {
    this.received.push(m);
  }
  onMessage(l: (m: EngineToMain) => void): void {
    this.messageListener = l;
  }
  onExit(l: (code: number) => void): void {
    this.exitListener = l;
  }
  kill(): void {
    this.killed = true;
    this.exitListener?.(0);
  }
  say(m: EngineToMain): void {
    this.messageListener!(m);
  }
  answer(result: unknown, index = this.received.length - 1): void {
    this.say({ kind: 'response', id: this.received[index].id, ok: true, result });
  }
  die(code: number): void {
    this.exitListener!(code);
  }
}

function setup(opts: { maxRestarts?: number } = {}) {
  const engines: FakeEngine[] = [];
  const events: HostEvent[] = [];
  const log: string[] = [];
  let now = 1000;
  const sup = new EngineSupervisor({
    spawn: () => {
      const e = new FakeEngine();
      engines.push(e);
      return e;
    },
    onEvent: (e) => events.push(e),
    log: (l) => log.push(l),
    restartDelayMs: 1,
    now: () => now,
    ...opts,
  });
  sup.start();
  return { sup, engines, events, log, tick: (ms: number) => (now += ms) };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('engine supervisor', () => {
  test('requests are matched with their answers by id', async () => {
    const { sup, engines } = setup();
    const a = sup.request('queue.list', {});
    const b = sup.request('settings.get', {});
    const [e] = engines;
    assert.deepEqual(
      e.received.map((m) => m.name),
      ['queue.list', 'settings.get'],
    );
    e.answer({ second: true }, 1);
    e.answer([], 0);
    assert.deepEqual(await a, []);
    assert.deepEqual(await b, { second: true });
  });

  test('an error answer rejects with the code, sentence and issues', async () => {
    const { sup, engines } = setup();
    const p = sup.request('files.list', { folder: 'vae' });
    engines[0].say({
      kind: 'response',
      id: engines[0].received[0].id,
      ok: false,
      error: { code: 'bad_request', message: 'Bad parameters', issues: [{ path: ['folder'], message: 'x' }] },
    });
    await assert.rejects(
      p,
      (e: EngineRequestError) =>
        e.code === 'bad_request' && e.message === 'Bad parameters' && e.issues?.length === 1,
    );
  });

  test('host events are forwarded', () => {
    const { engines, events } = setup();
    const ev: HostEvent = { channel: 'queue', queue: [] };
    engines[0].say({ kind: 'event', event: ev });
    assert.deepEqual(events, [ev]);
  });

  test('an unexpected exit rejects requests in flight with "engine restarted" and starts a new engine', async () => {
    const { sup, engines, events } = setup();
    engines[0].say({
      kind: 'event',
      event: { channel: 'queue', queue: [{ runId: 'r7', label: 'Run', state: 'running', enqueuedAt: 1 }] },
    });
    events.length = 0;
    const inFlight = sup.request('workflow.validate', { doc: {} });
    engines[0].die(139);
    await assert.rejects(inFlight, (e: Error) => {
      assert.match(
        e.message,
        /The engine process stopped unexpectedly \(exit code 139\) and was restarted \(engine restarted\)/,
      );
      assert.match(e.message, /"workflow\.validate" was not answered/);
      return true;
    });
    // The run the dead engine was doing ends with a run_error; the queue is empty again.
    assert.equal(events.length, 2);
    const runError = events[0];
    assert.ok(runError.channel === 'engine' && runError.event.type === 'run_error');
    assert.equal(runError.event.runId, 'r7');
    assert.match(runError.event.error.message, /this run was lost/);
    assert.deepEqual(events[1], { channel: 'queue', queue: [] });

    // Requests made while the replacement starts are sent to it.
    const later = sup.request('queue.list', {});
    await wait(10);
    assert.equal(engines.length, 2);
    assert.equal(sup.starts, 2);
    assert.equal(engines[1].received[0].name, 'queue.list');
    engines[1].answer([]);
    assert.deepEqual(await later, []);
  });

  test('a late answer from a dead engine is ignored', async () => {
    const { sup, engines } = setup();
    const p = sup.request('queue.list', {});
    const old = engines[0];
    old.die(1);
    await assert.rejects(p);
    old.answer(['stale']); // no throw, nothing resolved twice
    await wait(5);
    assert.equal(engines.length, 2);
  });

  test('gives up after too many exits in a short time, with a sentence naming the last error', async () => {
    const { sup, engines } = setup({ maxRestarts: 2 });
    for (let i = 0; i < 3; i++) {
      await wait(5);
      engines.at(-1)!.say({ kind: 'fatal', message: 'onnxruntime-node failed to load' });
      engines.at(-1)!.die(1);
    }
    await wait(10);
    assert.equal(engines.length, 3);
    await assert.rejects(sup.request('queue.list', {}), (e: Error) => {
      assert.match(e.message, /The engine keeps stopping \(3 times in 60 s\)/);
      assert.match(e.message, /onnxruntime-node failed to load/);
      assert.match(e.message, /Open Logs Folder/);
      return true;
    });
  });

  test('exits spread out in time keep being restarted', async () => {
    const { engines, tick } = setup({ maxRestarts: 1 });
    for (let i = 0; i < 3; i++) {
      await wait(5);
      tick(61_000);
      engines.at(-1)!.die(1);
    }
    await wait(10);
    assert.equal(engines.length, 4);
  });

  test('stop() kills the engine without restarting it', async () => {
    const { sup, engines } = setup();
    const p = sup.request('queue.list', {});
    sup.stop();
    await assert.rejects(p, /shut down/);
    await wait(10);
    assert.equal(engines[0].killed, true);
    assert.equal(engines.length, 1);
    await assert.rejects(sup.request('queue.list', {}), /shut down/);
  });
});
