/**
 * Host settings shared by the CLI, the browser-mode server and the Electron shell:
 * where models, inputs and outputs live, which execution provider runs the models,
 * and how much memory / disk the result caches may use. Validated with zod wherever
 * they cross a boundary (settings file, IPC, HTTP).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export const ExecutionProvider = z.enum(['cpu', 'webgpu', 'cuda']);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

export const Settings = z.strictObject({
  /** Model roots in ComfyUI's layout: <root>/diffusion_models, <root>/text_encoders, <root>/vae … */
  modelDirs: z.array(z.string().min(1)).max(32),
  /** Where Load Image looks for relative names. */
  inputDir: z.string().min(1),
  /** Where output nodes write. */
  outputDir: z.string().min(1),
  executionProvider: ExecutionProvider,
  /** ONNX Runtime intra-op threads; 0 = one per core. */
  threads: z.number().int().min(0).max(256),
  /** In-memory result cache budget. */
  cacheBytes: z.number().int().min(0),
  /** On-disk result cache (latents, frames); 0 turns it off. */
  diskCacheBytes: z.number().int().min(0),
  diskCacheDir: z.string().min(1),
  /** Generated ONNX graphs; empty = beside each model file (same drive, so weights are hard-linked, never copied). */
  onnxCacheDir: z.string(),
  /** Explicit ffmpeg binary; empty = FFMPEG_PATH, then the bundled one. */
  ffmpegPath: z.string(),
  /** Release the idle expert's session so only one expert is resident. */
  releaseIdleExpert: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;

const GiB = 1024 ** 3;

function cacheHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.length > 0 ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
}

/** Defaults for a process started in `cwd`, honouring WAN_STUDIO_* environment variables. */
export function defaultSettings(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Settings {
  const models = env.WAN_STUDIO_MODELS?.split(':').filter((s) => s.length > 0) ?? [join(cwd, 'models')];
  return {
    modelDirs: models.map((m) => resolve(cwd, m)),
    inputDir: resolve(cwd, env.WAN_STUDIO_INPUT ?? 'input'),
    outputDir: resolve(cwd, env.WAN_STUDIO_OUTPUT ?? 'output'),
    executionProvider: ExecutionProvider.catch('cpu').parse(env.WAN_STUDIO_EP ?? 'cpu'),
    threads: 0,
    cacheBytes: 4 * GiB,
    diskCacheBytes: 20 * GiB,
    diskCacheDir: resolve(env.WAN_STUDIO_CACHE ?? join(cacheHome(env), 'wan-studio', 'results')),
    onnxCacheDir: env.WAN_STUDIO_ONNX_CACHE ?? '',
    ffmpegPath: env.FFMPEG_PATH ?? '',
    releaseIdleExpert: true,
  };
}
