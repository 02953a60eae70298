// inspectCheckpoint: open a Wan checkpoint (DiT, VAE or umT5; one .safetensors or torch.save
// .pth/.pt file, or a sharded set with its .index.json), detect its key layout (looking through one
// wrapper prefix such as `state_dict.`), map keys to official names and settle its config.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { openCheckpoint } from '../../pth/open';
import type { CheckpointFile } from '../../safetensors/checkpoint-file';
import type { StTensorInfo } from '../../safetensors/reader';
import { detectDitLayout, isDitKeySet } from './dit-keys';
import type { DitLayout } from './dit-keys';
import { checkDitShapes, inferDitConfig, isDitConfigJson, parseDitConfigJson } from './dit-config';
import type { WanDitConfig } from './dit-config';
import { layoutError, listSome } from './errors';
import { detectT5Layout, inferT5Config, isT5ConfigJson, isT5KeySet } from './t5';
import type { T5Layout, WanT5Config } from './t5';
import { inferVaeConfig, isVaeConfigJson, isVaeKeySet } from './vae';
import type { WanVaeConfig } from './vae';
import { findWrapperPrefix } from './wrapper';

export interface LocatedTensor {
  file: CheckpointFile;
  /** the key in that file */
  key: string;
  info: StTensorInfo;
}

interface CheckpointBase {
  /** the file given (for a sharded set: the first shard) */
  file: CheckpointFile;
  /** every file of the checkpoint (one unless sharded) */
  files: CheckpointFile[];
  /** official name → key in the file(s) */
  toOfficial: Map<string, string>;
  /** where the config came from: the config.json path, or "tensor shapes" */
  configSource: string;
  /** the tensor stored under an official name; throws a SafetensorsError naming file and tensor when absent */
  locate(officialName: string): LocatedTensor;
  /** closes every file */
  close(): Promise<void>;
}

export interface DitCheckpoint extends CheckpointBase {
  kind: 'dit';
  layout: DitLayout;
  config: WanDitConfig;
}
export interface VaeCheckpoint extends CheckpointBase {
  kind: 'vae';
  layout: 'official';
  config: WanVaeConfig;
}
export interface T5Checkpoint extends CheckpointBase {
  kind: 't5';
  layout: T5Layout;
  config: WanT5Config;
}
export type CheckpointInfo = DitCheckpoint | VaeCheckpoint | T5Checkpoint;

export interface InspectOptions {
  /** use this config.json instead of the one next to the weights */
  configPath?: string;
  /** an already-parsed config (wins over configPath) */
  config?: unknown;
  /** refuse anything but this kind */
  expectKind?: 'dit' | 'vae' | 't5';
}

/** Opens the file, or every shard of a sharded set (safetensors or torch.save shards). */
export async function openSet(path: string): Promise<CheckpointFile[]> {
  const abs = resolve(path);
  let indexPath: string | undefined;
  if (abs.endsWith('.index.json')) indexPath = abs;
  else {
    const m = /^(.*)-\d{5}-of-\d{5}\.(safetensors|bin|pth|pt)$/.exec(basename(abs));
    if (m) {
      const guess = join(dirname(abs), `${m[1]}.${m[2]}.index.json`);
      if (existsSync(guess)) indexPath = guess;
    }
  }
  if (!indexPath) return [await openCheckpoint(abs)];
  let index: unknown;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (e) {
    throw layoutError(indexPath, `cannot read the shard index: ${(e as Error).message}.`);
  }
  const wm = (index as { weight_map?: unknown } | null)?.weight_map;
  if (wm === null || typeof wm !== 'object')
    throw layoutError(indexPath, 'the shard index has no "weight_map" object.');
  const shards = [...new Set(Object.values(wm as Record<string, unknown>).map(String))];
  const files: CheckpointFile[] = [];
  try {
    for (const s of shards) files.push(await openCheckpoint(join(dirname(indexPath), s)));
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
  return files;
}

async function loadConfig(
  weightsPath: string,
  opts: InspectOptions,
): Promise<{ raw?: unknown; source?: string; explicit?: boolean }> {
  if (opts.config !== undefined) return { raw: opts.config, source: 'the given config', explicit: true };
  const p = opts.configPath ?? join(dirname(resolve(weightsPath)), 'config.json');
  if (!existsSync(p)) {
    if (opts.configPath) throw layoutError(opts.configPath, 'config file not found.');
    return {};
  }
  try {
    return {
      raw: JSON.parse(await readFile(p, 'utf8')) as unknown,
      source: p,
      explicit: opts.configPath !== undefined,
    };
  } catch (e) {
    throw layoutError(p, `cannot read config: ${(e as Error).message}.`);
  }
}

export async function inspectCheckpoint(path: string, opts: InspectOptions = {}): Promise<CheckpointInfo> {
  const files = await openSet(path);
  try {
    return await inspectFiles(path, files, opts);
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
}

async function inspectFiles(
  path: string,
  files: CheckpointFile[],
  opts: InspectOptions,
): Promise<CheckpointInfo> {
  const first = files[0];
  const owner = new Map<string, CheckpointFile>();
  for (const f of files) {
    for (const k of f.tensors.keys()) {
      const prev = owner.get(k);
      if (prev) throw layoutError(f.path, `tensor "${k}" is also stored in ${prev.path}.`, k);
      owner.set(k, f);
    }
  }
  const keys = [...owner.keys()];
  const shapeOf = (k: string): readonly number[] => owner.get(k)!.info(k).shape;
  // One wrapper prefix in front of every key (`state_dict.`, `module.`, …) is looked through:
  // `names` are the keys without it, and file keys are `wrapper + name`.
  const wrapper = findWrapperPrefix(keys, (s) => kindOfNames(s) !== undefined);
  const names = keys.map((k) => k.slice(wrapper.length));
  const kind = kindOfNames(new Set(names));
  const shards = files.length > 1 ? ` (+${files.length - 1} shards)` : '';
  const label = `${first.path}${shards}`;
  // Messages about VAE / umT5 tensors name them without the wrapper: say where they sit.
  const innerLabel = wrapper ? `${label} (tensors under "${wrapper}")` : label;
  const innerShape = (n: string): readonly number[] => shapeOf(wrapper + n);
  const withWrapper = (m: Map<string, string>): Map<string, string> =>
    new Map([...m].map(([official, n]) => [official, wrapper + n] as const));
  if (!kind) {
    throw layoutError(
      label,
      `not a recognised Wan checkpoint (DiT, VAE or umT5): its ${keys.length} tensors include ${listSome(keys)}.`,
    );
  }
  if (opts.expectKind && opts.expectKind !== kind) {
    const names = { dit: 'diffusion model (DiT)', vae: 'VAE', t5: 'umT5 text encoder' };
    throw layoutError(
      label,
      `this is a ${names[kind]} checkpoint, but a ${names[opts.expectKind]} was expected.`,
    );
  }
  const { raw, source, explicit } = await loadConfig(path, opts);
  // A config.json found next to the weights is used only when it describes this kind of model
  // (a model folder may hold the DiT's config next to a VAE file); a given one is always used.
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (explicit === true && !isObject(raw))
    throw layoutError(source ?? label, 'the config must be a JSON object.');
  const usable = (looksRight: (v: unknown) => boolean): Record<string, unknown> | undefined =>
    isObject(raw) && (explicit === true || looksRight(raw)) ? raw : undefined;

  const base = (toOfficial: Map<string, string>, configSource: string): CheckpointBase => ({
    file: first,
    files,
    toOfficial,
    configSource,
    locate(officialName: string): LocatedTensor {
      const key = toOfficial.get(officialName);
      if (key === undefined)
        throw layoutError(label, `tensor "${officialName}" (official name) is missing.`, officialName);
      const file = owner.get(key)!;
      return { file, key, info: file.info(key) };
    },
    async close(): Promise<void> {
      await Promise.all(files.map((f) => f.close()));
    },
  });

  if (kind === 'dit') {
    const { layout, toOfficial } = detectDitLayout(label, keys);
    const useCfg = usable(isDitConfigJson);
    const partial = useCfg ? parseDitConfigJson(source!, useCfg) : {};
    const shapes = { file: label, toOfficial, shapeOf };
    const config = inferDitConfig(shapes, partial);
    const configSource = useCfg ? source! : 'tensor shapes';
    checkDitShapes(shapes, config, configSource);
    if (toOfficial.has('img_emb.proj.0.weight'))
      throw layoutError(label, 'Wan 2.1 image-to-video with CLIP is not supported.');
    return { kind, layout, config, ...base(toOfficial, configSource) };
  }
  if (kind === 'vae') {
    const shapes = new Map(names.map((n) => [n, innerShape(n)] as const));
    const useCfg = usable(isVaeConfigJson);
    const config = inferVaeConfig(innerLabel, shapes, useCfg);
    return {
      kind,
      layout: 'official',
      config,
      ...base(withWrapper(new Map(names.map((n) => [n, n]))), useCfg ? source! : 'tensor shapes'),
    };
  }
  const { layout, toOfficial } = detectT5Layout(innerLabel, names);
  const useCfg = usable(isT5ConfigJson);
  const config = inferT5Config(innerLabel, toOfficial, innerShape, useCfg);
  return { kind, layout, config, ...base(withWrapper(toOfficial), useCfg ? source! : 'tensor shapes') };
}

/** Which kind of Wan checkpoint a set of (unwrapped) tensor names is, if any. */
function kindOfNames(names: ReadonlySet<string>): CheckpointInfo['kind'] | undefined {
  if (isDitKeySet(names)) return 'dit';
  if (isVaeKeySet(names)) return 'vae';
  if (isT5KeySet(names)) return 't5';
  return undefined;
}
