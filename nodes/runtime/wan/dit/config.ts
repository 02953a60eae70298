/**
 * Opens a Wan DiT checkpoint (.safetensors or torch.save .pth/.pt): detects the key layout
 * (official / diffusers / ComfyUI prefix, under an optional wrapper such as `state_dict.`),
 * reads the config (given JSON, else config.json beside the weights, else inferred from shapes)
 * and checks every tensor shape against it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { openCheckpoint } from '../../pth/open';
import type { CheckpointFile } from '../../safetensors/checkpoint-file';
import { checkDitShapes, inferDitConfig, parseDitConfigJson, type WanDitConfig } from '../layout/dit-config';
import { detectDitLayout, type DitLayout } from '../layout/dit-keys';

export interface OpenedDit {
  file: CheckpointFile;
  config: WanDitConfig;
  layout: DitLayout;
  /** official name → key in the file */
  keyOf: (official: string) => string;
  /** Where the config came from (for messages). */
  configSource: string;
}

async function readJsonIfExists(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}.`);
  }
}

export async function openDit(weightsPath: string, config?: unknown): Promise<OpenedDit> {
  const file = await openCheckpoint(weightsPath);
  try {
    const { layout, toOfficial } = detectDitLayout(file.path, [...file.tensors.keys()]);
    let raw = config;
    let configSource = 'the given config';
    if (raw === undefined) {
      const beside = join(dirname(file.path), 'config.json');
      raw = await readJsonIfExists(beside);
      configSource = raw === undefined ? 'shapes of the weights' : beside;
    }
    const partial = raw === undefined ? {} : parseDitConfigJson(configSource, raw);
    const shapes = { file: file.path, toOfficial, shapeOf: (k: string) => file.info(k).shape };
    const cfg = inferDitConfig(shapes, partial);
    checkDitShapes(shapes, cfg, configSource);
    if (cfg.window_size[0] !== -1 || cfg.window_size[1] !== -1) {
      throw new Error(
        `${configSource}: window_size ${JSON.stringify(cfg.window_size)} (local attention) is not supported; Wan 2.2 uses [-1, -1].`,
      );
    }
    const keyOf = (official: string): string => {
      const k = toOfficial.get(official);
      if (k === undefined) throw new Error(`${file.path}: tensor "${official}" is missing.`);
      return k;
    };
    return { file, config: cfg, layout, keyOf, configSource };
  } catch (e) {
    await file.close();
    throw e;
  }
}
