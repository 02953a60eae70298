/**
 * The editor in Chromium against the real browser-mode server: library drag, typed connections,
 * widget undo/redo, running the Test Pattern template to a playable video, cached re-runs,
 * autosave across a reload, and export → import round trip.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureRendererBuilt, launchBrowser, openEditor, ROOT, startStudio, type Studio } from './harness';

const tid = (id: string) => `[data-testid="${id}"]`;

async function center(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  assert.ok(box, `${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function dragLink(
  page: Page,
  from: string,
  to: string,
  beforeRelease?: () => Promise<void>,
): Promise<void> {
  const a = await center(page, from);
  const b = await center(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await beforeRelease?.();
  await page.mouse.up();
}

async function clickPane(page: Page): Promise<void> {
  const box = await page.locator('.react-flow__pane').boundingBox();
  assert.ok(box);
  await page.mouse.click(box.x + 30, box.y + box.height - 30);
}

describe('editor (browser mode, Chromium)', { timeout: 120_000 }, () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    await ensureRendererBuilt();
    [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
    ({ page, errors } = await openEditor(browser, studio.url));
  });

  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  test('a node dragged from the library lands on the canvas where it is dropped', async () => {
    const nodes = page.locator('.react-flow__node-studio');
    assert.equal(await nodes.count(), 0);
    const pane = await page.locator('.react-flow__pane').boundingBox();
    assert.ok(pane);
    await page.dragAndDrop(tid('lib-item-source.test_pattern'), '.react-flow__pane', {
      targetPosition: { x: 120, y: 120 },
    });
    const node = page.locator(tid('node-test_pattern_1'));
    await node.waitFor();
    const box = await node.boundingBox();
    assert.ok(box);
    // the node's top-left corner is where the pointer dropped it
    assert.ok(
      Math.abs(box.x - (pane.x + 120)) < 30 && Math.abs(box.y - (pane.y + 120)) < 30,
      JSON.stringify({ box, pane }),
    );
    assert.equal(await node.getAttribute('data-node-type'), 'source.test_pattern');
  });

  test('compatible sockets connect; an incompatible link is refused with the reason shown', async () => {
    // add Preview and Video Out by clicking the library
    await page.click(tid('lib-item-image.preview'));
    await page.click(tid('lib-item-video.out'));
    await page.locator(tid('node-preview_1')).waitFor();
    await page.locator(tid('node-out_1')).waitFor();
    // spread them so the handles do not overlap
    for (const [id, dx, dy] of [
      ['preview_1', 380, 250],
      ['out_1', 380, -60],
    ] as const) {
      const title = page.locator(`${tid(`node-${id}`)} .sn-title`);
      const c = await center(page, `${tid(`node-${id}`)} .sn-title`);
      await title.hover();
      await page.mouse.down();
      const p0 = await center(page, `${tid('node-test_pattern_1')} .sn-title`);
      await page.mouse.move(p0.x + dx, p0.y + dy, { steps: 6 });
      await page.mouse.up();
      assert.ok(c);
    }
    const edges = page.locator('.react-flow__edge');
    assert.equal(await edges.count(), 0);

    await dragLink(page, tid('out-test_pattern_1-images'), tid('in-out_1-images'));
    await page.waitForFunction(() => document.querySelectorAll('.react-flow__edge').length === 1);

    // VIDEO → IMAGE is refused: the line says why while dragging, a message stays after release
    await dragLink(page, tid('out-out_1-video'), tid('in-preview_1-images'), async () => {
      await page.locator(tid('connection-refused-hint')).waitFor({ timeout: 3000 });
    });
    const toast = page.locator(tid('toast')).filter({ hasText: 'Cannot connect VIDEO output' });
    await toast.waitFor({ timeout: 3000 });
    assert.match(await toast.innerText(), /IMAGE input "images"/);
    assert.equal(await edges.count(), 1);
  });

  test('typing a word into a widget is one undo step; redo brings it back', async () => {
    const input = page.locator(tid('input-out_1-filename_prefix'));
    const before = await input.inputValue();
    assert.equal(before, 'wan');
    await input.click();
    await input.press('Control+a');
    await input.pressSequentially('clip', { delay: 30 });
    assert.equal(await input.inputValue(), 'clip');
    await clickPane(page);
    await page.keyboard.press('Control+z');
    assert.equal(await input.inputValue(), 'wan');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await input.inputValue(), 'clip');
    // one more undo goes past the typed word to the previous edit (the link), not to "cli"
    await page.keyboard.press('Control+z');
    assert.equal(await input.inputValue(), 'wan');
    await page.keyboard.press('Control+Shift+z');
  });

  test('the Test Pattern template runs to a playable video; a re-run after one change reuses the rest', async () => {
    await page.click(tid('cmd-templates'));
    await page.click(tid('template-test-pattern'));
    await page.locator(tid('node-video')).waitFor();
    await page.click(tid('cmd-run'));
    await page.locator('[data-testid="progress"][data-phase="done"]').waitFor({ timeout: 60_000 });
    const video = page.locator(tid('output-video'));
    await video.waitFor();
    const duration = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve, reject) => {
          if (v.readyState >= 1) return resolve(v.duration);
          v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
          v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)), {
            once: true,
          });
        }),
    );
    // 33 frames at 16 fps
    assert.ok(Math.abs(duration - 33 / 16) < 0.1, `duration ${duration}`);
    for (const id of ['pattern', 'video', 'preview']) {
      assert.equal(await page.locator(tid(`node-${id}`)).getAttribute('data-phase'), 'done', id);
    }
    await page.locator(tid('node-preview-preview')).waitFor();

    await mkdir(join(ROOT, 'test-output'), { recursive: true });
    await page.mouse.move(5, 5);
    await page.locator(tid('toast')).first().waitFor({ state: 'detached', timeout: 6000 });
    await page.screenshot({ path: join(ROOT, 'test-output', 'editor.png') });

    // one widget changed: only Video Out runs again
    await page.click(`${tid('widget-video-quality')} [aria-label="increase quality"]`);
    assert.equal(await page.locator(tid('value-video-quality')).innerText(), '20');
    await page.keyboard.press('Control+Enter');
    await page
      .waitForFunction(
        () =>
          document.querySelector('[data-testid="node-video"]')?.getAttribute('data-phase') === 'running' ||
          document.querySelectorAll('[data-testid="output-video"]').length === 0,
        null,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    await page.locator('[data-testid="progress"][data-phase="done"]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="node-video"]')?.getAttribute('data-phase') === 'done',
    );
    assert.equal(await page.locator(tid('node-pattern')).getAttribute('data-phase'), 'cached');
    assert.equal(await page.locator(tid('node-preview')).getAttribute('data-phase'), 'cached');
    assert.equal(await page.locator(tid('node-status-pattern')).innerText(), 'cached');
    assert.match(await page.locator(tid('node-status-video')).innerText(), /\d+(\.\d+)? m?s/);
    // history lists both runs; the latest run's workflow opens in a new tab
    await page.click(tid('panel-history'));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-item"]').length >= 2);
    const tabs = await page.locator('.tab').count();
    await page.locator(tid('history-open')).first().click();
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n + 1, tabs);
    assert.equal(await page.locator(tid('value-video-quality')).innerText(), '20');
    page.once('dialog', (d) => void d.accept());
    await page.locator('.tab.active .tab-close').click();
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n, tabs);
    await page.locator('.tab', { hasText: 'Test Pattern' }).click();
    await page.click(tid('panel-outputs'));
  });

  test('a reload restores every tab from autosave', async () => {
    // autosave writes within a second of the last change
    const deadline = Date.now() + 3000;
    let saved = '';
    while (Date.now() < deadline) {
      saved = await readFile(join(studio.dataDir, 'autosave.json'), 'utf8').catch(() => '');
      if (saved.includes('"quality":20')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(saved.includes('"quality":20'), 'autosave has the last edit');
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator(tid('node-video')).waitFor();
    assert.equal(await page.locator(tid('value-video-quality')).innerText(), '20');
    const titles = await page
      .locator('.tab')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-title')));
    assert.deepEqual(titles, ['Untitled', 'Test Pattern']);
    // the other tab kept its graph too
    await page.locator('.tab', { hasText: 'Untitled' }).click();
    await page.locator(tid('node-out_1')).waitFor();
    assert.equal(await page.locator(tid('input-out_1-filename_prefix')).inputValue(), 'clip');
    assert.equal(await page.locator('.react-flow__edge').count(), 1);
    await page.locator('.tab', { hasText: 'Test Pattern' }).click();
  });

  test('export then import gives back the identical document', async () => {
    await page.locator(tid('node-video')).waitFor();
    const [exported] = await Promise.all([page.waitForEvent('download'), page.click(tid('cmd-export'))]);
    const exportPath = await exported.path();
    const exportedText = await readFile(exportPath, 'utf8');
    const tabs = await page.locator('.tab').count();
    await page.setInputFiles(tid('open-file-input'), exportPath);
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n + 1, tabs);
    await page.locator(tid('node-video')).waitFor();
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click(tid('cmd-save'))]);
    const savedText = await readFile(await saved.path(), 'utf8');
    assert.equal(savedText, exportedText);
    assert.equal(JSON.parse(exportedText).nodes.video.values.quality, 20);
  });

  test('a video made by Video Out dropped on the canvas opens its workflow in a new tab', async () => {
    const mp4 = (await readdir(studio.outputDir))
      .filter((n) => n.endsWith('.mp4'))
      .sort()
      .pop();
    assert.ok(mp4, 'a video was written');
    const base64 = (await readFile(join(studio.outputDir, mp4))).toString('base64');
    const tabs = await page.locator('.tab').count();
    await page.evaluate(
      ({ base64, name }) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([bytes], name, { type: 'video/mp4' }));
        const canvas = document.querySelector('[data-testid="canvas"]')!;
        const r = canvas.getBoundingClientRect();
        const init = {
          dataTransfer: dt,
          bubbles: true,
          cancelable: true,
          clientX: r.left + 200,
          clientY: r.top + 200,
        };
        canvas.dispatchEvent(new DragEvent('dragover', init));
        canvas.dispatchEvent(new DragEvent('drop', init));
      },
      { base64, name: mp4 },
    );
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n + 1, tabs);
    await page.locator(tid('node-video')).waitFor();
    assert.equal(await page.locator('.react-flow__node-studio').count(), 3);
    assert.equal(await page.locator('.react-flow__edge').count(), 2);
  });

  test('no page errors', () => {
    assert.deepEqual(
      errors.filter((e) => !/favicon/.test(e)),
      [],
    );
  });
});
