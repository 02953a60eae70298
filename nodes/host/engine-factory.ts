/**
 * Builds the engine every host uses (CLI, browser-mode server, Electron utility process):
 * all node types registered, model folders mapped in ComfyUI's layout, caches per settings.
 */
import { join } from 'node:path';
import { Engine } from '../engine/engine';
import { NodeRegistry } from '../engine/registry';
import { allNodes } from '../defs/all';
import type { FileFolder, Logger } from '../sdk';
import type { Settings } from './settings';

export function createRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  for (const def of allNodes) registry.register(def);
  return registry;
}

/** Where FILE inputs of each folder kind are looked up, in order. */
export function folderRoots(settings: Settings): Partial<Record<FileFolder, string[]>> {
  const under = (sub: string) => settings.modelDirs.map((d) => join(d, sub));
  return {
    diffusion_models: [...under('diffusion_models'), ...under('unet')],
    text_encoders: [...under('text_encoders'), ...under('clip')],
    vae: under('vae'),
    tokenizers: [...under('tokenizers'), ...under('text_encoders')],
    images: [settings.inputDir],
    videos: [settings.inputDir, settings.outputDir],
    workflows: [settings.inputDir],
    output: [settings.outputDir],
  };
}

export function createEngine(settings: Settings, logger?: Logger): Engine {
  return new Engine({
    registry: createRegistry(),
    cacheBytes: settings.cacheBytes,
    diskCache:
      settings.diskCacheBytes > 0 ? { dir: settings.diskCacheDir, maxBytes: settings.diskCacheBytes } : false,
    outputDir: settings.outputDir,
    folders: folderRoots(settings),
    settings: {
      executionProvider: settings.executionProvider,
      threads: settings.threads,
      ffmpegPath: settings.ffmpegPath,
      onnxCacheDir: settings.onnxCacheDir,
      releaseIdleExpert: settings.releaseIdleExpert,
    },
    ...(logger ? { logger } : {}),
  });
}
