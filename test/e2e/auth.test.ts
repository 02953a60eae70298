/**
 * Browser mode off loopback needs the access token: a wrong one is refused (page, API and event
 * socket), the right one opens the editor, which then talks to the host through its cookie.
 * Real non-loopback binding is not available here, so the `token` option forces one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureRendererBuilt, launchBrowser, startStudio, type Studio } from './harness';

describe('browser mode with an access token', { timeout: 60_000 }, () => {
  let studio: Studio;
  let browser: Browser;

  before(async () => {
    await ensureRendererBuilt();
    [studio, browser] = await Promise.all([
      startStudio({ host: '127.0.0.1', token: 'x-secret-token' }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await studio?.close();
  });

  test('a wrong or missing token is refused', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const suffix of ['', '?token=wrong']) {
      const res = await page.goto(studio.url + suffix);
      assert.equal(res?.status(), 401, suffix);
      assert.match(await page.innerText('body'), /needs its access token/);
    }
    const api = await page.request.post(studio.url + 'api/nodes.catalog', { data: {} });
    assert.equal(api.status(), 401);
    const bearerWrong = await page.request.post(studio.url + 'api/nodes.catalog', {
      data: {},
      headers: { Authorization: 'Bearer nope' },
    });
    assert.equal(bearerWrong.status(), 401);
    await context.close();
  });

  test('the right token opens the editor, which then works through its cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${studio.url}?token=x-secret-token`);
    assert.equal(res?.status(), 200);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    // the catalog came through the API with the cookie
    await page.locator('[data-testid="lib-item-video.out"]').waitFor();
    // and host events arrive on the socket: queue a run and see it finish
    await page.click('[data-testid="cmd-templates"]');
    await page.click('[data-testid="template-test-pattern"]');
    await page.click(`[data-testid="widget-pattern-frames"] [aria-label="decrease frames"]`);
    await page.click('[data-testid="cmd-run"]');
    await page.locator('[data-testid="progress"][data-phase="done"]').waitFor({ timeout: 60_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });
});
