/**
 * Builds the desktop shell into dist/electron with esbuild (installed with tsx):
 *   main.js            Electron main process (ESM)
 *   engine-process.js  the engine utility process (ESM)
 *   preload.cjs        the sandboxed preload: one CommonJS file whose only import is `electron`
 * npm packages stay external (node_modules ships with the app; onnxruntime-node is native).
 * Source files that locate data beside themselves with `import.meta.url` (onnx.proto, templates)
 * keep pointing at their own folder: the bundle rewrites their `import.meta.url` to the source
 * file's URL relative to the bundle, which holds both in the repo and inside app.asar.
 *
 * Usage: tsx build/build-electron.ts [outDir]
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = resolve(ROOT, 'dist', 'electron');

/** Rewrites `import.meta.url` in nodes/ and workflows/ sources to the source file's own URL. */
function sourceUrlPlugin(outDir: string): Plugin {
  const dirs = [resolve(ROOT, 'nodes') + sep, resolve(ROOT, 'workflows') + sep];
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (!dirs.some((d) => args.path.startsWith(d))) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const rel = relative(outDir, args.path).split(sep).join('/');
        const replacement = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        return {
          contents: source.split('import.meta.url').join(replacement),
          loader: args.path.endsWith('x') ? 'tsx' : 'ts',
        };
      });
    },
  };
}

export interface BuildResult {
  outDir: string;
  files: string[];
  /** Bare module names each output imports at run time. */
  externals: Record<string, string[]>;
  ms: number;
}

function externalsOf(meta: Metafile): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [file, o] of Object.entries(meta.outputs)) {
    if (file.endsWith('.map')) continue;
    out[file.split('/').pop()!] = [...new Set(o.imports.filter((i) => i.external).map((i) => i.path))].sort();
  }
  return out;
}

export async function buildElectron(outDir = DEFAULT_OUT): Promise<BuildResult> {
  const t0 = performance.now();
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    sourcemap: 'linked' as const,
    logLevel: 'warning' as const,
    metafile: true,
    legalComments: 'none' as const,
  };
  const [esm, preload] = await Promise.all([
    build({
      ...common,
      entryPoints: { main: 'electron/main.ts', 'engine-process': 'electron/engine-process.ts' },
      outdir: outDir,
      format: 'esm',
      packages: 'external',
      external: ['electron'],
      plugins: [sourceUrlPlugin(outDir)],
      // Some bundled CommonJS helpers call require(); give the ESM bundle one.
      banner: {
        js: "import { createRequire as __wanCreateRequire } from 'node:module'; const require = __wanCreateRequire(import.meta.url);",
      },
    }),
    build({
      ...common,
      entryPoints: { preload: 'electron/preload.ts' },
      outdir: outDir,
      outExtension: { '.js': '.cjs' },
      format: 'cjs',
      platform: 'browser',
      external: ['electron'],
    }),
  ]);
  const externals = { ...externalsOf(esm.metafile!), ...externalsOf(preload.metafile!) };
  const files = Object.keys(externals).map((f) => resolve(outDir, f));
  return { outDir, files, externals, ms: Math.round(performance.now() - t0) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await buildElectron(process.argv[2] ? resolve(process.argv[2]) : DEFAULT_OUT);
  console.log(`built ${r.files.map((f) => relative(ROOT, f)).join(', ')} in ${r.ms} ms`);
}
