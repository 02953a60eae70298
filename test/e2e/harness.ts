/**
 * The browser-mode e2e harness: builds the editor when dist/renderer is missing or older than
 * renderer/, starts the real host + server in-process on a temp data dir, and drives Chromium
 * (Debian's /usr/bin/chromium) with playwright-core.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { serve, type RunningServer } from '../../nodes/host/server/server';
import { defaultSettings } from '../../nodes/host/settings';
import { StudioHost } from '../../nodes/host/studio-host';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_SRC = join(ROOT, 'renderer');
export const RENDERER_OUT = join(ROOT, 'dist', 'renderer');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/** Builds dist/renderer with vite unless it is newer than every file under renderer/ (and the shared modules it bundles). */
export async function ensureRendererBuilt(): Promise<void> {
  const built = await stat(join(RENDERER_OUT, 'index.html'))
    .then((s) => s.mtimeMs)
    .catch(() => 0);
  const sources = Math.max(
    await newestMtime(RENDERER_SRC),
    await newestMtime(join(ROOT, 'nodes', 'api')),
    await newestMtime(join(ROOT, 'nodes', 'sdk')),
    await newestMtime(join(ROOT, 'workflows')).catch(() => 0),
    // the renderer bundles the menu's command ids and keys
    await stat(join(ROOT, 'electron', 'commands.ts'))
      .then((s) => s.mtimeMs)
      .catch(() => 0),
  );
  if (built > sources) return;
  const { build } = await import('vite');
  await build({ configFile: join(RENDERER_SRC, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Studio {
  url: string;
  token: string | undefined;
  dataDir: string;
  outputDir: string;
  host: StudioHost;
  server: RunningServer;
  close(): Promise<void>;
}

export async function startStudio(opts: { token?: string; host?: string } = {}): Promise<Studio> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wan-e2e-'));
  const outputDir = join(dataDir, 'out');
  const host = await StudioHost.create({
    dataDir,
    settings: { ...defaultSettings(dataDir, {}), outputDir, diskCacheDir: join(dataDir, 'cache') },
  });
  const server = await serve(host, {
    port: 0,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.token ? { token: opts.token } : {}),
  });
  return {
    url: server.url,
    token: server.token,
    dataDir,
    outputDir,
    host,
    server,
    close: async () => {
      await server.close();
      await host.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium headless with a fresh profile (a new temp user-data dir per launch). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function openEditor(
  browser: Browser,
  url: string,
  viewport = { width: 1440, height: 900 },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return { context, page, errors };
}
