import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { RequestName } from '../../../nodes/api/contract';
import { WorkflowFiles } from '../../../electron/workflow-files';
import type { BrowserWindowLike, DialogLike } from '../../../electron/electron-like';

const doc = { schemaVersion: 1, nodes: {}, edges: [] };
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wan-files-'));
});
after(() => rm(dir, { recursive: true, force: true }));

function setup(answers: { open?: string[]; save?: string[]; box?: number[] } = {}) {
  const asked: string[] = [];
  const requests: Array<{ name: RequestName; params: unknown }> = [];
  const dialog: DialogLike = {
    showOpenDialog: (_w, o: OpenDialogOptions) => {
      asked.push(`open:${o.defaultPath}`);
      const p = answers.open?.shift();
      return Promise.resolve(p ? { canceled: false, filePaths: [p] } : { canceled: true, filePaths: [] });
    },
    showSaveDialog: (_w, o: SaveDialogOptions) => {
      asked.push(`save:${o.defaultPath}`);
      const p = answers.save?.shift();
      return Promise.resolve(p ? { canceled: false, filePath: p } : { canceled: true, filePath: '' });
    },
    showMessageBox: () => {
      asked.push('box');
      return Promise.resolve({ response: answers.box?.shift() ?? 2, checkboxChecked: false });
    },
  };
  const files = new WorkflowFiles({
    dialog,
    window: () => ({}) as BrowserWindowLike,
    request: ((name: RequestName, params: unknown) => {
      requests.push({ name, params });
      return Promise.resolve({ doc, migrated: false, fromVideo: false });
    }) as never,
    defaultDir: () => dir,
  });
  return { files, asked, requests };
}

describe('workflow file dialogs', () => {
  test('Open: cancel gives null; a chosen file is read here and imported by the engine', async () => {
    const file = join(dir, 'a.json');
    await writeFile(file, JSON.stringify(doc));
    const { files, requests } = setup({ open: [file] });
    assert.equal(await setup().files.openWorkflowDialog(), null);
    const opened = await files.openWorkflowDialog();
    assert.equal(opened?.path, file);
    assert.equal(opened?.name, 'a.json');
    assert.equal(opened?.mtimeMs, (await stat(file)).mtimeMs);
    assert.deepEqual(opened?.result, { doc, migrated: false, fromVideo: false });
    assert.deepEqual(requests, [
      {
        name: 'workflow.import',
        params: { name: 'a.json', base64: Buffer.from(JSON.stringify(doc)).toString('base64') },
      },
    ]);
  });

  test('Save As writes canonical JSON and adds .json', async () => {
    const target = join(dir, 'b');
    const { files, asked } = setup({ save: [target] });
    const saved = await files.saveWorkflowDialog(doc, 'My flow');
    assert.equal(saved?.path, `${target}.json`);
    assert.equal(asked[0], `save:${join(dir, 'My flow.json')}`);
    const text = await readFile(`${target}.json`, 'utf8');
    assert.deepEqual(JSON.parse(text), doc);
    assert.ok(text.endsWith('\n'));
  });

  test('an invalid document is refused with a sentence, before any dialog', async () => {
    const { files, asked } = setup({ save: [join(dir, 'x.json')] });
    await assert.rejects(files.saveWorkflowDialog({ nodes: 3 }, 'x'), /not a valid document/);
    assert.deepEqual(asked, []);
  });

  test('Save to a path the user never chose asks where to save (no writing to arbitrary paths)', async () => {
    const { files, asked } = setup();
    assert.equal(await files.saveWorkflowFile('/etc/cron.d/evil', doc, undefined), null);
    assert.deepEqual(asked, ['save:/etc/cron.d/evil.json']);
  });

  test('Save to a chosen file writes directly; a file changed on disk asks first', async () => {
    const target = join(dir, 'c.json');
    const { files, asked } = setup({ save: [target], box: [2, 0] });
    const first = await files.saveWorkflowDialog(doc, 'c');
    assert.ok(first);
    const again = await files.saveWorkflowFile(target, doc, first.mtimeMs);
    assert.equal(again?.path, target);
    assert.deepEqual(asked, [`save:${join(dir, 'c.json')}`]);

    await utimes(target, new Date(), new Date(Date.now() + 60_000)); // another program wrote it
    assert.equal(await files.saveWorkflowFile(target, doc, first.mtimeMs), null); // Cancel
    assert.equal(asked.at(-1), 'box');
    const forced = await files.saveWorkflowFile(target, { ...doc, edges: [] }, first.mtimeMs); // Overwrite
    assert.equal(forced?.path, target);
  });

  test('an opened video is never overwritten with JSON', async () => {
    const video = join(dir, 'clip.mp4');
    await writeFile(video, 'not really a video');
    const { files, asked } = setup({ open: [video] });
    await files.openWorkflowDialog();
    assert.equal(await files.saveWorkflowFile(video, doc, undefined), null);
    assert.deepEqual(asked.at(-1), `save:${join(dir, 'clip.json')}`);
    assert.equal(await readFile(video, 'utf8'), 'not really a video');
  });
});
