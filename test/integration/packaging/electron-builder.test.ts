/**
 * Packages the app with electron-builder (`--dir`, linux x64) using a stand-in Electron
 * distribution (the real one cannot be downloaded here), then inspects what a user would get:
 * app.asar holds the editor, the main/preload/engine bundles and every npm package they import;
 * onnxruntime-node's native binaries are unpacked; ffmpeg is shipped in resources where the main
 * process looks for it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Asar from '@electron/asar';
import type * as Builder from 'electron-builder';
import { bundledFfmpeg } from '../../../electron/app';
import config from '../../../build/electron-builder.config';
import { buildElectron, ROOT, type BuildResult } from '../../../build/build-electron';

const require = createRequire(import.meta.url);
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

let skipReason: string | undefined;
if (process.platform !== 'linux' || process.arch !== 'x64')
  skipReason = `packaging test targets linux x64; this is ${process.platform} ${process.arch}`;
let builderMod: typeof Builder | undefined;
let asar: typeof Asar | undefined;
try {
  builderMod = await import('electron-builder');
  asar = (await import('@electron/asar')).default as unknown as typeof Asar;
} catch (e) {
  skipReason ??= `electron-builder is not installed (${(e as Error).message})`;
}

let work: string;
let appDir: string;
let built: BuildResult;
let listing: string[] = [];
let packMs = 0;

before(async () => {
  if (skipReason) return;
  work = await mkdtemp(join(tmpdir(), 'wan-pack-'));
  // A stand-in for Electron's linux-x64 distribution: the executable electron-builder renames.
  const dist = join(work, 'electron-dist');
  await mkdir(join(dist, 'resources'), { recursive: true });
  await writeFile(join(dist, 'electron'), '#!/bin/sh\necho "stand-in electron"\n');
  await chmod(join(dist, 'electron'), 0o755);
  await writeFile(join(dist, 'version'), ELECTRON_VERSION);
  await writeFile(join(dist, 'LICENSE'), '');

  built = await buildElectron();
  try {
    await access(join(ROOT, 'dist', 'renderer', 'index.html'));
  } catch {
    const vite = await import('vite');
    await vite.build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'error' });
  }

  const { build, Platform, Arch } = builderMod!;
  const t0 = performance.now();
  await build({
    projectDir: ROOT,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: {
      ...config,
      electronDist: dist,
      electronVersion: ELECTRON_VERSION,
      directories: { ...config.directories, output: join(work, 'out') },
    },
  });
  packMs = Math.round(performance.now() - t0);
  appDir = join(work, 'out', 'linux-unpacked');
  listing = asar!.listPackage(join(appDir, 'resources', 'app.asar'), { isPack: false });
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const inAsar = (p: string) => listing.includes(p);

describe('electron-builder --dir (linux x64, stand-in Electron)', () => {
  test('the executable is named and the app is in resources/app.asar', async (t) => {
    if (skipReason) return t.skip(skipReason);
    t.diagnostic(`electron-builder packed in ${packMs} ms`);
    const exe = await stat(join(appDir, 'wan-studio'));
    assert.ok(exe.isFile());
    const pkg = JSON.parse(
      asar!.extractFile(join(appDir, 'resources', 'app.asar'), 'package.json').toString(),
    ) as { main: string };
    assert.equal(pkg.main, 'dist/electron/main.js');
  });

  test('app.asar holds the editor, the main/preload/engine bundles and the engine data files', (t) => {
    if (skipReason) return t.skip(skipReason);
    for (const p of [
      '/dist/renderer/index.html',
      '/dist/electron/main.js',
      '/dist/electron/preload.cjs',
      '/dist/electron/engine-process.js',
      '/workflows/templates/test-pattern.json',
      '/nodes/runtime/onnx/onnx.proto',
    ]) {
      assert.ok(inAsar(p), `${p} is in app.asar`);
    }
    assert.ok(!listing.some((p) => p.endsWith('.map')), 'no source maps shipped');
    const html = asar!
      .extractFile(join(appDir, 'resources', 'app.asar'), 'dist/renderer/index.html')
      .toString();
    assert.match(html, /<script type="module"[^>]*src="\.\/assets\//);
  });

  test('every npm package the bundles import at run time is shipped; editor-only and build-only ones are not', (t) => {
    if (skipReason) return t.skip(skipReason);
    const imported = new Set(
      Object.values(built.externals)
        .flat()
        .filter((m) => !m.startsWith('node:') && m !== 'electron')
        .map((m) => (m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : m.split('/')[0])),
    );
    assert.ok(imported.has('onnxruntime-node') && imported.has('zod'), [...imported].join(', '));
    for (const name of imported)
      assert.ok(inAsar(`/node_modules/${name}/package.json`), `${name} is shipped`);
    for (const name of [
      'react',
      'react-dom',
      'tsx',
      'esbuild',
      'electron',
      'electron-builder',
      'vite',
      'typescript',
    ]) {
      assert.ok(!inAsar(`/node_modules/${name}/package.json`), `${name} is not shipped`);
    }
  });

  test("onnxruntime-node's native binaries are unpacked from the asar, for this platform only", async (t) => {
    if (skipReason) return t.skip(skipReason);
    const bin = join(
      appDir,
      'resources',
      'app.asar.unpacked',
      'node_modules',
      'onnxruntime-node',
      'bin',
      'napi-v6',
    );
    assert.ok((await stat(join(bin, 'linux', 'x64', 'onnxruntime_binding.node'))).size > 100_000);
    assert.ok((await stat(join(bin, 'linux', 'x64', 'libonnxruntime.so.1'))).size > 1_000_000);
    await assert.rejects(stat(join(bin, 'win32')), 'no Windows binaries in a linux build');
  });

  test('ffmpeg is shipped in resources/ffmpeg, executable, where the main process looks for it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    const resources = join(appDir, 'resources');
    const ffmpeg = bundledFfmpeg(resources, 'linux');
    assert.equal(ffmpeg, join(resources, 'ffmpeg', 'ffmpeg'));
    await access(ffmpeg, constants.X_OK);
    assert.ok((await stat(ffmpeg)).size > 10_000_000);
    assert.ok(!inAsar('/node_modules/@ffmpeg-installer/linux-x64/ffmpeg'), 'not shipped twice');
  });
});
