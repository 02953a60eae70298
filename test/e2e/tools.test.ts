/**
 * Editor tools in Chromium: snap to grid, box selection, the minimap, the viewport and seed
 * controls kept across a reload, and desktop mode — `window.api` replaced by a stand-in for the
 * Electron preload whose dialogs and menu are recorded — where menu commands and their keys run
 * the same commands and Save goes to the tab's file.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requestSchemas } from '../../nodes/api/contract';
import { ensureRendererBuilt, launchBrowser, openEditor, startStudio, type Studio } from './harness';

const tid = (id: string) => `[data-testid="${id}"]`;

/** A node's position in flow coordinates, from React Flow's transform. */
async function flowPosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const t = await page
    .locator(`.react-flow__node[data-id="${id}"]`)
    .evaluate((el) => (el as HTMLElement).style.transform);
  const m = /translate\(([-\d.]+)px, ?([-\d.]+)px\)/.exec(t);
  assert.ok(m, `no translate in "${t}"`);
  return { x: Number(m[1]), y: Number(m[2]) };
}

async function autosaved(studio: Studio, has: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000;
  let text = '';
  while (Date.now() < deadline) {
    text = await readFile(join(studio.dataDir, 'autosave.json'), 'utf8').catch(() => '');
    if (has(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`autosave never matched; last: ${text.slice(0, 300)}`);
}

describe('editor tools (browser mode, Chromium)', { timeout: 90_000 }, () => {
  let studio: Studio;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let pane: { x: number; y: number; width: number; height: number };

  before(async () => {
    await ensureRendererBuilt();
    [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
    ({ page, errors } = await openEditor(browser, studio.url));
    pane = (await page.locator('.react-flow__pane').boundingBox())!;
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  /** A click on empty canvas (below the nodes, clear of the controls and the minimap). */
  const clickEmpty = () => page.mouse.click(pane.x + 400, pane.y + pane.height - 40);

  test('snap to grid rounds a dropped node and a dragged one to the 10 px grid', async () => {
    await page.click(tid('cmd-snap'));
    assert.equal(await page.locator(tid('cmd-snap')).getAttribute('aria-pressed'), 'true');
    await page.dragAndDrop(tid('lib-item-image.preview'), '.react-flow__pane', {
      targetPosition: { x: 123, y: 87 },
    });
    await page.locator(tid('node-preview_1')).waitFor();
    assert.deepEqual(await flowPosition(page, 'preview_1'), { x: 120, y: 90 });
    const title = await page.locator(`${tid('node-preview_1')} .sn-title`).boundingBox();
    assert.ok(title);
    await page.mouse.move(title.x + 20, title.y + 8);
    await page.mouse.down();
    await page.mouse.move(title.x + 40, title.y + 20, { steps: 3 });
    await page.mouse.move(title.x + 57, title.y + 34, { steps: 3 });
    await page.mouse.up();
    const p = await flowPosition(page, 'preview_1');
    assert.ok(p.x % 10 === 0 && p.y % 10 === 0 && (p.x !== 120 || p.y !== 90), JSON.stringify(p));
    await page.click(tid('cmd-snap'));
    assert.equal(await page.locator(tid('cmd-snap')).getAttribute('aria-pressed'), 'false');
  });

  test('Shift+drag on the canvas box-selects the nodes inside the box only', async () => {
    await page.dragAndDrop(tid('lib-item-image.preview'), '.react-flow__pane', {
      targetPosition: { x: 130, y: 360 },
    });
    await page.dragAndDrop(tid('lib-item-image.preview'), '.react-flow__pane', {
      targetPosition: { x: 720, y: 120 },
    });
    await page.locator(tid('node-preview_3')).waitFor();
    await clickEmpty();
    assert.equal(await page.locator('.sn.selected').count(), 0);
    await page.keyboard.down('Shift');
    await page.mouse.move(pane.x + 60, pane.y + 40);
    await page.mouse.down();
    await page.mouse.move(pane.x + 300, pane.y + 300, { steps: 5 });
    await page.mouse.move(pane.x + 560, pane.y + 640, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const selected = await page
      .locator('.sn.selected')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')).sort());
    assert.deepEqual(selected, ['node-preview_1', 'node-preview_2']);
    // the selection is what Delete removes; undo brings both back
    await page.keyboard.press('Delete');
    await page.locator(tid('node-preview_1')).waitFor({ state: 'detached' });
    assert.equal(await page.locator(tid('node-preview_2')).count(), 0);
    assert.equal(await page.locator(tid('node-preview_3')).count(), 1);
    await page.keyboard.press('Control+z');
    await page.locator(tid('node-preview_2')).waitFor();
  });

  test('the minimap shows and hides from the toolbar and Shift+M', async () => {
    const minimap = page.locator('.react-flow__minimap');
    await minimap.waitFor();
    await page.click(tid('cmd-minimap'));
    await minimap.waitFor({ state: 'detached' });
    await clickEmpty();
    await page.keyboard.press('Shift+M');
    await minimap.waitFor();
  });

  test('the viewport and the seed controls survive a reload', async () => {
    // zoom in (the same command as View → Zoom In)
    await page.keyboard.press('Control+=');
    const viewport = page.locator('.react-flow__viewport');
    // React Flow zooms in by a factor of 1.2, animated
    await page.waitForFunction(() =>
      /scale\(1\.2\)/.test((document.querySelector('.react-flow__viewport') as HTMLElement).style.transform),
    );
    const zoomed = await viewport.evaluate((el) => (el as HTMLElement).style.transform);

    // the sampler's seed: increment after each run (runs stubbed: this build has no Wan models)
    let runs = 0;
    await page.route('**/api/workflow.validate', (r) =>
      r.fulfill({ json: { ok: true, result: { problems: [] } } }),
    );
    await page.route('**/api/run.enqueue', (r) =>
      r.fulfill({ json: { ok: true, result: { runId: `stub-${++runs}` } } }),
    );
    await page.click(tid('lib-item-wan.sampler'));
    await page.locator(tid('node-sampler_1')).waitFor();
    assert.equal(await page.locator(tid('value-sampler_1-seed')).innerText(), '0');
    await page.selectOption(tid('seed-mode-sampler_1-seed'), 'increment');
    await page.click(tid('cmd-run'));
    await page.waitForFunction(
      () => document.querySelector('[data-testid="value-sampler_1-seed"]')?.textContent === '1',
    );
    await clickEmpty();
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="value-sampler_1-seed"]')?.textContent === '2',
    );
    assert.equal(runs, 2);
    await page.unrouteAll();

    const saved = await autosaved(
      studio,
      (t) => t.includes('"seedControl"') && t.includes('"seed":2') && /"zoom":(?!1[,}])/.test(t),
    );
    assert.match(saved, /"seedControl":\{"seed":"increment"\}/);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.locator(tid('node-sampler_1')).waitFor();
    assert.equal(await page.locator(tid('seed-mode-sampler_1-seed')).inputValue(), 'increment');
    assert.equal(await page.locator(tid('value-sampler_1-seed')).innerText(), '2');
    assert.equal(await viewport.evaluate((el) => (el as HTMLElement).style.transform), zoomed);
  });

  test('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});

/** Installed before the page's scripts: the contract over HTTP plus recorded desktop extras. */
function desktopStandIn(names: string[]): void {
  type Call = [string, ...unknown[]];
  const w = window as unknown as Record<string, unknown>;
  const calls: Call[] = [];
  const menuListeners = new Set<(c: string) => void>();
  w.__desktopCalls = calls;
  w.__menu = (c: string) => menuListeners.forEach((l) => l(c));
  const post = async (name: string, params: unknown) => {
    const r = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(params ?? {}),
    });
    const body = (await r.json()) as { ok: boolean; result?: unknown; error?: { message: string } };
    if (!body.ok) throw new Error(body.error?.message ?? 'failed');
    return body.result;
  };
  const api: Record<string, unknown> = {};
  for (const n of names) api[n] = (p: unknown) => post(n, p);
  api.onEvent = (l: (e: unknown) => void) => {
    const ws = new WebSocket(`ws://${location.host}/events`);
    ws.onmessage = (m: MessageEvent<string>) => l(JSON.parse(m.data));
    return () => ws.close();
  };
  api.fileUrl = (p: string) => `/files?path=${encodeURIComponent(p)}`;
  let mtime = 1000;
  api.openWorkflowDialog = async () => {
    calls.push(['openWorkflowDialog']);
    const result = await post('workflow.import', {
      name: 'flow.json',
      base64: btoa(JSON.stringify(w.__nextOpen)),
    });
    return { path: '/home/me/flow.json', name: 'flow.json', mtimeMs: 1000, result };
  };
  api.saveWorkflowDialog = (doc: unknown, name: string) => {
    calls.push(['saveWorkflowDialog', name]);
    return Promise.resolve({ path: `/home/me/${name}`, name, mtimeMs: ++mtime });
  };
  api.saveWorkflowFile = (path: string, doc: unknown, base: number) => {
    calls.push(['saveWorkflowFile', path, base]);
    return Promise.resolve({ path, name: path.split('/').pop(), mtimeMs: ++mtime });
  };
  api.onMenuCommand = (l: (c: string) => void) => {
    menuListeners.add(l);
    return () => menuListeners.delete(l);
  };
  w.api = api;
}

describe('desktop mode (a stand-in for the Electron preload, Chromium)', { timeout: 90_000 }, () => {
  let studio: Studio;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let downloads = 0;

  before(async () => {
    await ensureRendererBuilt();
    [studio, browser] = await Promise.all([startStudio(), launchBrowser()]);
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    // as source text: tsx's `__name` helper (kept function names) does not exist in the page
    await context.addInitScript({
      content: `var __name = (f) => f;\n(${desktopStandIn.toString()})(${JSON.stringify(Object.keys(requestSchemas))});`,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('download', () => downloads++);
    await page.goto(studio.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  const calls = () =>
    page.evaluate(() => (window as unknown as { __desktopCalls: unknown[][] }).__desktopCalls);
  const menu = (c: string) =>
    page.evaluate((cmd) => (window as unknown as { __menu: (c: string) => void }).__menu(cmd), c);

  test('File → Open opens through the dialog; Ctrl+S and File → Save save to that file with its mtime', async () => {
    await page.evaluate(() => {
      (window as unknown as { __nextOpen: unknown }).__nextOpen = {
        schemaVersion: 1,
        nodes: {
          show: {
            type: 'image.preview',
            version: 1,
            position: { x: 40, y: 40 },
            values: { frame: 'first', max_size: 64 },
          },
        },
        edges: [],
      };
      // registered after the app's own listener: sees whether the app handled the key
      window.addEventListener('keydown', (e) => {
        if (e.key === 's') (window as unknown as { __sPrevented: boolean }).__sPrevented = e.defaultPrevented;
      });
    });
    await menu('file.open');
    await page.locator('.tab.active[data-title="flow"]').waitFor();
    await page.locator(tid('node-show')).waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 600, y: 500 } });
    await page.keyboard.press('Control+s');
    await page.waitForFunction(
      () => (window as unknown as { __desktopCalls: unknown[] }).__desktopCalls.length === 2,
    );
    assert.deepEqual((await calls())[1], ['saveWorkflowFile', '/home/me/flow.json', 1000]);
    assert.equal(
      await page.evaluate(() => (window as unknown as { __sPrevented: boolean }).__sPrevented),
      true,
      'Ctrl+S handled by the page (the menu must not fire too)',
    );
    await menu('file.save');
    await page.waitForFunction(
      () => (window as unknown as { __desktopCalls: unknown[] }).__desktopCalls.length === 3,
    );
    assert.deepEqual((await calls())[2], ['saveWorkflowFile', '/home/me/flow.json', 1001]);
    await page.click(tid('cmd-save-as'));
    await page.waitForFunction(
      () => (window as unknown as { __desktopCalls: unknown[] }).__desktopCalls.length === 4,
    );
    assert.deepEqual((await calls())[3], ['saveWorkflowDialog', 'flow.json']);
    assert.equal(downloads, 0, 'desktop mode never downloads');
  });

  test('menu commands run the same commands as their keys', async () => {
    await menu('edit.selectAll');
    await page.locator('.sn.selected').waitFor();
    await menu('edit.delete');
    await page.locator(tid('node-show')).waitFor({ state: 'detached' });
    await menu('edit.undo');
    await page.locator(tid('node-show')).waitFor();
    await menu('view.toggleMinimap');
    await page.locator('.react-flow__minimap').waitFor({ state: 'detached' });
    await page.keyboard.press('Shift+M');
    await page.locator('.react-flow__minimap').waitFor();
    const tabs = await page.locator('.tab').count();
    await menu('file.new');
    await page.waitForFunction((n) => document.querySelectorAll('.tab').length === n + 1, tabs);
  });

  test('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});
