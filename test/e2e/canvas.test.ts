/**
 * Canvas gestures in Chromium: the double-click search, a link dropped on empty canvas offering
 * only compatible nodes, groups moving their nodes, copy/paste and duplicate, widgets turned into
 * sockets and back, validation problems pinned to their node, cancel and the run queue.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { ensureRendererBuilt, launchBrowser, openEditor, startStudio, type Studio } from './harness';
import { FIFO_SUPPORTED, HeldInput } from './held-input';

const tid = (id: string) => `[data-testid="${id}"]`;

describe('canvas gestures (browser mode, Chromium)', { timeout: 90_000 }, () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let pane: { x: number; y: number; width: number; height: number };
  let held: HeldInput | undefined;

  before(async () => {
    await ensureRendererBuilt();
    [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
    ({ page, errors } = await openEditor(browser, studio.url));
    pane = (await page.locator('.react-flow__pane').boundingBox())!;
  });
  after(async () => {
    held?.tryRelease(); // never leave the host blocked on the pipe
    await browser?.close();
    await studio?.close();
  });

  const box = async (sel: string) => {
    const b = await page.locator(sel).boundingBox();
    assert.ok(b, `${sel} not on screen`);
    return b;
  };

  test('double-click opens the search; Enter adds the node at the cursor', async () => {
    await page.mouse.dblclick(pane.x + 100, pane.y + 100);
    await page.locator(tid('node-search-input')).fill('pattern');
    await page.keyboard.press('Enter');
    const b = await box(tid('node-test_pattern_1'));
    assert.ok(Math.abs(b.x - (pane.x + 100)) < 20 && Math.abs(b.y - (pane.y + 100)) < 20);
    assert.equal(await page.locator(tid('node-search')).count(), 0);
  });

  test('a link dropped on empty canvas offers only nodes that accept it, and connects the pick', async () => {
    const h = await box(tid('out-test_pattern_1-images'));
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 200, h.y + 100, { steps: 5 });
    await page.mouse.move(h.x + 320, h.y + 60, { steps: 5 });
    await page.mouse.up();
    await page.locator(tid('node-search')).waitFor();
    const offered = await page
      .locator('[data-testid^="search-result-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('search-result-'.length)));
    assert.ok(offered.includes('video.out') && offered.includes('image.preview'), offered.join());
    assert.ok(!offered.includes('source.test_pattern') && !offered.includes('image.load'), offered.join());
    await page.click(tid('search-result-video.out'));
    await page.locator(tid('node-out_1')).waitFor();
    assert.equal(await page.locator('.react-flow__edge').count(), 1);
  });

  test('a group moves the nodes inside it', async () => {
    await page.mouse.click(pane.x + pane.width - 300, pane.y + pane.height - 60);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+g');
    const title = await box('.grp-title');
    const before = await box(tid('node-out_1'));
    const beforeTp = await box(tid('node-test_pattern_1'));
    await page.mouse.move(title.x + 40, title.y + 10);
    await page.mouse.down();
    await page.mouse.move(title.x + 100, title.y + 70, { steps: 8 });
    await page.mouse.up();
    const after = await box(tid('node-out_1'));
    const afterTp = await box(tid('node-test_pattern_1'));
    const moved = await box('.grp-title');
    const d = { x: moved.x - title.x, y: moved.y - title.y };
    assert.ok(d.x > 40 && d.y > 40, JSON.stringify(d));
    for (const [a, b] of [
      [before, after],
      [beforeTp, afterTp],
    ] as const) {
      assert.ok(Math.abs(b.x - a.x - d.x) < 2 && Math.abs(b.y - a.y - d.y) < 2, JSON.stringify({ a, b, d }));
    }
    // the whole drag is one undo step
    await page.keyboard.press('Control+z');
    const undone = await box(tid('node-out_1'));
    assert.ok(Math.abs(undone.x - before.x) < 2 && Math.abs(undone.y - before.y) < 2);
    await page.keyboard.press('Control+Shift+z');
  });

  test('copy/paste through the system clipboard and duplicate add copies with their values', async () => {
    await page.mouse.click(pane.x + pane.width - 300, pane.y + pane.height - 60);
    await page.fill(tid('input-out_1-filename_prefix'), 'copied');
    await page.locator(`${tid('node-out_1')} .sn-title`).click();
    await page.keyboard.press('Control+c');
    await page.mouse.move(pane.x + 420, pane.y + pane.height - 220);
    await page.keyboard.press('Control+v');
    await page.locator(tid('node-out_2')).waitFor();
    assert.equal(await page.locator(tid('input-out_2-filename_prefix')).inputValue(), 'copied');
    await page.keyboard.press('Control+d');
    await page.locator(tid('node-out_3')).waitFor();
    assert.equal(await page.locator(tid('input-out_3-filename_prefix')).inputValue(), 'copied');
    await page.keyboard.press('Delete');
    await page.locator(tid('node-out_3')).waitFor({ state: 'detached' });
  });

  test('a widget turns into an input socket and back', async () => {
    await page.locator(tid('node-out_2')).hover();
    await page.click(tid('expose-out_2-fps'));
    await page.locator(tid('in-out_2-fps')).waitFor();
    assert.equal(await page.locator(tid('widget-out_2-fps')).count(), 0);
    await page.click(tid('unexpose-out_2-fps'));
    await page.locator(tid('widget-out_2-fps')).waitFor();
    assert.equal(await page.locator(tid('in-out_2-fps')).count(), 0);
  });

  test('Run validates first and pins problems to their nodes', async () => {
    // Video Out 2 has nothing feeding its images
    await page.click(tid('cmd-run'));
    const problem = page.locator(tid('problem-out_2'));
    await problem.waitFor();
    assert.match(await problem.innerText(), /images/);
    assert.match((await page.locator(tid('node-out_2')).getAttribute('class')) ?? '', /has-problem/);
    assert.equal(await page.locator(tid('problem-out_1')).count(), 0);
    // fixing it clears the mark on the next validation
    await page.locator(`${tid('node-out_2')} .sn-title`).click();
    await page.keyboard.press('Delete');
    await page.click(tid('cmd-run'));
    await page.locator('[data-testid="progress"][data-phase="done"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('.sn.has-problem').count(), 0);
  });

  /**
   * The held run reads a named pipe (see held-input.ts), so it stays running until the test
   * writes the image: no race with how fast the machine is.
   */
  test(
    'Esc cancels the running run; queued runs can be reordered and removed',
    { skip: !FIFO_SUPPORTED && 'needs mkfifo' },
    async () => {
      const inputDir = studio.host.currentSettings.inputDir;
      await mkdir(inputDir, { recursive: true });
      held = new HeldInput(join(inputDir, 'hold.png'));
      await held.create();
      const doc = {
        schemaVersion: 1,
        meta: { title: 'Held' },
        nodes: {
          hold: { type: 'image.load', version: 1, position: { x: 0, y: 0 }, values: { image: 'hold.png' } },
          show: {
            type: 'image.preview',
            version: 1,
            position: { x: 320, y: 0 },
            values: { frame: 'middle', max_size: 64 },
          },
        },
        edges: [{ id: 'e1', from: { node: 'hold', output: 'image' }, to: { node: 'show', input: 'images' } }],
      };
      await page.setInputFiles(tid('open-file-input'), {
        name: 'held.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(doc)),
      });
      await page.locator(tid('node-hold')).waitFor();
      await page.click(tid('panel-queue'));
      const items = () =>
        page
          .locator('[data-testid^="queue-item-"]')
          .evaluateAll((els) =>
            els.map((e): [string | null, string] => [
              e.getAttribute('data-run-id'),
              e.getAttribute('class') ?? '',
            ]),
          );

      // Esc cancels the running run (it ends once its read returns)
      await page.click(tid('cmd-run'));
      await page.locator('[data-testid="queue-item-0"].running').waitFor();
      await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/run.cancel')),
        page.keyboard.press('Escape'),
      ]);
      await held.release();
      await page.locator('[data-testid="progress"][data-phase="cancelled"]').waitFor({ timeout: 20_000 });
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid^="queue-item-"]').length === 0,
      );

      // while one is held running, the two queued behind it can be reordered and removed
      await held.create();
      await page.click(tid('cmd-run'));
      await page.locator('[data-testid="queue-item-0"].running').waitFor();
      await page.click(tid('cmd-run'));
      await page.click(tid('cmd-run'));
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid^="queue-item-"]').length === 3,
      );
      const [[a], [b], [c]] = await items();
      await page.click(tid('queue-up-2'));
      await page.waitForFunction(
        (want) =>
          document.querySelector('[data-testid="queue-item-1"]')?.getAttribute('data-run-id') === want,
        c,
      );
      assert.deepEqual(await items(), [
        [a, 'running'],
        [c, 'queued'],
        [b, 'queued'],
      ]);
      for (const id of [b, c]) {
        await page.click(`[data-run-id="${id}"] [title="Remove from the queue"]`);
        await page.locator(`[data-run-id="${id}"]`).waitFor({ state: 'detached' });
      }
      assert.deepEqual(await items(), [[a, 'running']], 'the held run is still running');
      await held.release();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid^="queue-item-"]').length === 0,
        null,
        { timeout: 20_000 },
      );
      await page.locator('[data-testid="progress"][data-phase="done"]').waitFor({ timeout: 20_000 });
      await page.click(tid('panel-history'));
      // the earlier run, the cancelled one and the one released; the removed ones never ran
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="history-item"]').length === 3,
      );
      await page.click(tid('panel-outputs'));
    },
  );

  test('the image picker lists the input folder and shows a thumbnail of the chosen file', async () => {
    const inputDir = studio.host.currentSettings.inputDir;
    await mkdir(inputDir, { recursive: true });
    const png = new PNG({ width: 8, height: 6 });
    png.data.fill(200);
    await writeFile(join(inputDir, 'photo.png'), PNG.sync.write(png));
    await writeFile(join(inputDir, 'notes.txt'), 'not an image');
    await page.click(tid('cmd-new'));
    await page.click(tid('lib-item-image.load'));
    const select = page.locator(tid('input-load_1-image'));
    await select.focus();
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="input-load_1-image"] option')].some(
        (o) => o.textContent === 'photo.png',
      ),
    );
    const options = await select.locator('option').allInnerTexts();
    assert.ok(!options.includes('notes.txt'), options.join());
    await select.selectOption('photo.png');
    const thumb = page.locator(`${tid('widget-load_1-image')} img.w-thumb`);
    await thumb.waitFor();
    await page.waitForFunction(
      () =>
        (document.querySelector<HTMLImageElement>('[data-testid="widget-load_1-image"] img.w-thumb')
          ?.naturalWidth ?? 0) === 8,
    );
  });

  test('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
