import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { requestSchemas } from '../../../nodes/api/contract';
import { buildElectron } from '../../../build/build-electron';
import { DESKTOP_EXTRA_NAMES } from '../../../electron/desktop-api';
import { MENU_COMMAND_CHANNEL, HOST_EVENT_CHANNEL } from '../../../electron/channels';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Loads the built preload bundle the way a sandboxed renderer would, with a fake `electron`. */
function loadPreload() {
  const exposed = new Map<string, Record<string, unknown>>();
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  let reply: unknown = { ok: true, result: 'answer' };
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      return Promise.resolve(reply);
    },
    on: (channel: string, l: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(l);
    },
    removeListener: (channel: string, l: Listener) => listeners.get(channel)?.delete(l),
    send: () => assert.fail('the preload must not use ipcRenderer.send'),
    sendSync: () => assert.fail('the preload must not use ipcRenderer.sendSync'),
  };
  const contextBridge = {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api),
  };
  const module = { exports: {} };
  const sandbox = {
    module,
    exports: module.exports,
    require: (name: string) => {
      required.push(name);
      if (name === 'electron') return { contextBridge, ipcRenderer };
      throw new Error(`a sandboxed preload cannot require "${name}"`);
    },
    URL,
    Promise,
    Error,
  };
  vm.runInNewContext(code, sandbox, { filename: 'preload.cjs' });
  return {
    exposed,
    invoked,
    required,
    setReply: (r: unknown) => (reply = r),
    emit: (channel: string, ...args: unknown[]) => {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'fake' }, ...args);
    },
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
}

let code: string;
before(async () => {
  const out = await mkdtemp(join(tmpdir(), 'wan-preload-'));
  await buildElectron(out);
  code = await readFile(join(out, 'preload.cjs'), 'utf8');
});

describe('preload', () => {
  test('exposes exactly the contract requests + the desktop extras, only as window.api', () => {
    const p = loadPreload();
    assert.deepEqual([...p.exposed.keys()], ['api']);
    const api = p.exposed.get('api')!;
    assert.deepEqual(
      Object.keys(api).sort(),
      [...Object.keys(requestSchemas), ...DESKTOP_EXTRA_NAMES].sort(),
    );
    for (const [k, v] of Object.entries(api)) assert.equal(typeof v, 'function', k);
    assert.ok(!('invoke' in api) && !('send' in api) && !('ipcRenderer' in api));
  });

  test('the bundle requires nothing but electron (what a sandboxed preload may load)', () => {
    const p = loadPreload();
    assert.deepEqual([...new Set(p.required)], ['electron']);
    assert.doesNotMatch(code, /require\("(?!electron")/);
  });

  test('each request invokes its own api:<name> channel with the params', async () => {
    const p = loadPreload();
    const api = p.exposed.get('api')!;
    for (const name of Object.keys(requestSchemas)) {
      assert.equal(await (api[name] as (x: unknown) => Promise<unknown>)({ probe: name }), 'answer');
      assert.deepEqual(p.invoked.at(-1), { channel: `api:${name}`, args: [{ probe: name }] });
    }
  });

  test('an error reply rejects with the sentence and code', async () => {
    const p = loadPreload();
    p.setReply({ ok: false, error: { code: 'forbidden', message: 'Refused "api:queue.list".' } });
    const api = p.exposed.get('api')!;
    await assert.rejects(
      (api['queue.list'] as (x: unknown) => Promise<unknown>)({}),
      (e: Error & { code?: string }) => {
        assert.equal(e.message, 'Refused "api:queue.list".');
        assert.equal(e.code, 'forbidden');
        return true;
      },
    );
  });

  test('dialog tasks invoke their task channels', async () => {
    const p = loadPreload();
    const api = p.exposed.get('api')! as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await api.openWorkflowDialog();
    await api.saveWorkflowDialog({ doc: 1 }, 'name');
    await api.saveWorkflowFile('/w/a.json', { doc: 1 }, 12);
    assert.deepEqual(
      p.invoked.map((i) => [i.channel, i.args]),
      [
        ['desktop:openWorkflowDialog', []],
        ['desktop:saveWorkflowDialog', [{ doc: 1 }, 'name']],
        ['desktop:saveWorkflowFile', ['/w/a.json', { doc: 1 }, 12]],
      ],
    );
  });

  test('onEvent and onMenuCommand deliver messages and unsubscribe; unknown commands are dropped', () => {
    const p = loadPreload();
    const api = p.exposed.get('api')! as Record<string, (l: (x: unknown) => void) => () => void>;
    const events: unknown[] = [];
    const commands: unknown[] = [];
    const offEvents = api.onEvent((e) => events.push(e));
    const offCommands = api.onMenuCommand((c) => commands.push(c));
    p.emit(HOST_EVENT_CHANNEL, { channel: 'queue', queue: [] });
    p.emit(MENU_COMMAND_CHANNEL, 'file.save');
    p.emit(MENU_COMMAND_CHANNEL, 'rm -rf');
    assert.deepEqual(events, [{ channel: 'queue', queue: [] }]);
    assert.deepEqual(commands, ['file.save']);
    offEvents();
    offCommands();
    assert.equal(p.listenerCount(HOST_EVENT_CHANNEL), 0);
    assert.equal(p.listenerCount(MENU_COMMAND_CHANNEL), 0);
  });

  test('fileUrl points at the app:// files route', () => {
    const p = loadPreload();
    const fileUrl = p.exposed.get('api')!.fileUrl as (p: string) => string;
    assert.equal(fileUrl('/out/a b.mp4'), 'app://studio/files?path=%2Fout%2Fa%20b.mp4');
  });
});
