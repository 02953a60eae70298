/**
 * Starts the real desktop app when an Electron binary is installed (it cannot be downloaded on
 * these machines, so this usually reports a SKIP with the reason) and checks, through
 * playwright-core's Electron driver, what the user's window gets: the app:// page, a sandboxed
 * page without Node, `window.api` with exactly the contract's functions, and answers from the
 * engine utility process.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestSchemas } from '../../../nodes/api/contract';
import { buildElectron, ROOT } from '../../../build/build-electron';
import { DESKTOP_EXTRA_NAMES } from '../../../electron/desktop-api';

const require = createRequire(import.meta.url);

function electronBinary(): { path: string } | { skip: string } {
  let path: unknown;
  try {
    path = require('electron');
  } catch (e) {
    return {
      skip: `no Electron binary: require('electron') failed (${(e as Error).message.split('\n')[0]}) — its download is blocked here`,
    };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { skip: `no Electron binary at ${String(path)}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { skip: 'Electron is installed but there is no display (run under xvfb-run)' };
  }
  return { path };
}

describe('desktop app (real Electron)', () => {
  test('opens the editor window with a sandboxed window.api talking to the engine', async (t) => {
    const bin = electronBinary();
    if ('skip' in bin) return t.skip(bin.skip);

    await buildElectron();
    if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) {
      const vite = await import('vite');
      await vite.build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'error' });
    }
    const userData = await mkdtemp(join(tmpdir(), 'wan-electron-smoke-'));
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: bin.path,
      args: [ROOT, `--user-data-dir=${userData}`],
      cwd: ROOT,
      timeout: 60_000,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      assert.match(page.url(), /^app:\/\/studio\//);
      const seen = await page.evaluate(async () => {
        const w = window as unknown as {
          api: Record<string, (p?: unknown) => Promise<unknown>>;
          require?: unknown;
          process?: unknown;
        };
        const settings = (await w.api['settings.get']({})) as { outputDir: string };
        return {
          keys: Object.keys(w.api).sort(),
          nodeInPage: typeof w.require !== 'undefined' || typeof w.process !== 'undefined',
          outputDir: settings.outputDir,
        };
      });
      assert.deepEqual(seen.keys, [...Object.keys(requestSchemas), ...DESKTOP_EXTRA_NAMES].sort());
      assert.equal(seen.nodeInPage, false);
      assert.equal(typeof seen.outputDir, 'string');
    } finally {
      await app.close();
      await rm(userData, { recursive: true, force: true });
    }
  });
});
