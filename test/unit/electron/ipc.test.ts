import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requestSchemas, type RequestName } from '../../../nodes/api/contract';
import { DESKTOP_CHANNELS, REQUEST_NAMES } from '../../../electron/channels';
import { EngineRequestError } from '../../../electron/engine-supervisor';
import { registerIpcHandlers } from '../../../electron/ipc';
import { fakeElectron } from './fake-electron';

const APP = 'app://studio/index.html';

function setup(
  answer: (name: RequestName, params: unknown) => Promise<unknown> = () => Promise.resolve({ fine: true }),
) {
  const f = fakeElectron();
  const forwarded: Array<{ name: RequestName; params: unknown }> = [];
  const tasks: string[] = [];
  const log: string[] = [];
  const channels = registerIpcHandlers({
    ipcMain: f.electron.ipcMain,
    request: (name, params) => {
      forwarded.push({ name, params });
      return answer(name, params);
    },
    tasks: {
      openWorkflowDialog: () => (tasks.push('open'), Promise.resolve(null)),
      saveWorkflowDialog: (doc, name) => (tasks.push(`saveAs:${String(name)}`), Promise.resolve({ doc })),
      saveWorkflowFile: (path) => (tasks.push(`save:${String(path)}`), Promise.resolve(null)),
    },
    log: (l) => log.push(l),
  });
  return { f, channels, forwarded, tasks, log };
}

describe('IPC handlers', () => {
  test('one channel per contract request plus the dialog tasks, nothing generic', () => {
    const { channels } = setup();
    assert.deepEqual(
      [...channels].sort(),
      [...Object.keys(requestSchemas).map((n) => `api:${n}`), ...Object.values(DESKTOP_CHANNELS)].sort(),
    );
    assert.ok(!channels.some((c) => /invoke|send|fs|exec|shell/i.test(c)));
  });

  test('the preload channel list is exactly the contract (run-time check beside the type-level one)', () => {
    assert.deepEqual([...REQUEST_NAMES].sort(), Object.keys(requestSchemas).sort());
    assert.equal(new Set(REQUEST_NAMES).size, REQUEST_NAMES.length);
  });

  test('a valid request from the app window reaches the engine', async () => {
    const { f, forwarded } = setup();
    const reply = await f.invoke('api:history.list', APP, { limit: 5 });
    assert.deepEqual(reply, { ok: true, result: { fine: true } });
    assert.deepEqual(forwarded, [{ name: 'history.list', params: { limit: 5 } }]);
  });

  test('a request from a foreign frame is refused with a clear error and never reaches the engine', async () => {
    const { f, forwarded, log } = setup();
    for (const url of [
      'https://evil.example/',
      'file:///tmp/x.html',
      'app://other/index.html',
      'devtools://devtools/x',
    ]) {
      const reply = (await f.invoke('api:settings.update', url, { patch: { outputDir: '/' } })) as {
        ok: boolean;
        error: { code: string; message: string };
      };
      assert.equal(reply.ok, false);
      assert.equal(reply.error.code, 'forbidden');
      assert.match(reply.error.message, /only Wan Studio's own window/);
      assert.ok(reply.error.message.includes(url));
    }
    const gone = (await f.invoke('api:queue.list', null, {})) as { ok: boolean; error: { code: string } };
    assert.equal(gone.error.code, 'forbidden');
    assert.equal(forwarded.length, 0);
    assert.equal(log.length, 5);
  });

  test('dialog tasks check the sender too', async () => {
    const { f, tasks } = setup();
    const reply = (await f.invoke(
      DESKTOP_CHANNELS.saveWorkflowFile,
      'https://evil.example/',
      '/etc/passwd',
      {},
    )) as {
      ok: boolean;
    };
    assert.equal(reply.ok, false);
    assert.deepEqual(tasks, []);
    assert.deepEqual(await f.invoke(DESKTOP_CHANNELS.openWorkflowDialog, APP), { ok: true, result: null });
    assert.deepEqual(tasks, ['open']);
  });

  test('invalid payloads are rejected in main with the field named', async () => {
    const { f, forwarded } = setup();
    const bad = (await f.invoke('api:queue.move', APP, { runId: 'r1', index: -3 })) as {
      ok: false;
      error: { code: string; message: string; issues: Array<{ path: unknown[] }> };
    };
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'bad_request');
    assert.match(bad.error.message, /^Bad parameters for "queue\.move": index: /);
    assert.deepEqual(bad.error.issues[0].path, ['index']);
    const extra = (await f.invoke('api:nodes.catalog', APP, { sneaky: 1 })) as {
      ok: false;
      error: { code: string };
    };
    assert.equal(extra.error.code, 'bad_request');
    const notObject = (await f.invoke('api:run.cancel', APP, 'r1')) as { ok: false; error: { code: string } };
    assert.equal(notObject.error.code, 'bad_request');
    assert.equal(forwarded.length, 0);
  });

  test("the engine's errors keep their code, sentence and issues", async () => {
    const { f } = setup(() =>
      Promise.reject(
        new EngineRequestError('Invalid settings: threads: too big', 'bad_request', [
          { path: ['threads'], message: 'too big' },
        ]),
      ),
    );
    assert.deepEqual(await f.invoke('api:settings.update', APP, { patch: { threads: 9999 } }), {
      ok: false,
      error: {
        code: 'bad_request',
        message: 'Invalid settings: threads: too big',
        issues: [{ path: ['threads'], message: 'too big' }],
      },
    });
    const { f: f2 } = setup(() => Promise.reject(new TypeError('boom')));
    assert.deepEqual(await f2.invoke('api:queue.list', APP, {}), {
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });
});
