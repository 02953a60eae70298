/**
 * Configuration of a Wan VAE (`WanVAE_` of `wan/modules/vae2_1.py` / `vae2_2.py`): parsing of a
 * `config.json` (the constructor argument names, plus the pipeline's `vae_stride`, `patch_size`,
 * `latents_mean`, `latents_std`), validation, and the quantities derived from it.
 */
import { VaeError } from './errors';
import { officialLatentStats } from './stats';

export type VaeVersion = '2.1' | '2.2';

export interface VaeConfig {
  version: VaeVersion;
  /** Base width of the encoder (2.2 wrapper: `c_dim`). */
  dim: number;
  /** Base width of the decoder (2.1: the same as `dim`; 2.2: `dec_dim`). */
  decDim: number;
  zDim: number;
  dimMult: number[];
  numResBlocks: number;
  /** Scales (1, 0.5, 0.25, ...) whose 2.1 encoder/decoder levels get an attention block. */
  attnScales: number[];
  /** Per encoder level: whether its downsample also halves time (the decoder uses it reversed). */
  temperalDownsample: boolean[];
  /** Spatial patchify factor before the encoder / after the decoder (2.1: 1, 2.2: 2). */
  patchSize: number;
  latentsMean: number[];
  latentsStd: number[];
}

/** The released models' structure (only the widths and the version differ). */
export function defaultConfig(version: VaeVersion): VaeConfig {
  const stats = officialLatentStats(version);
  return {
    version,
    dim: version === '2.1' ? 96 : 160,
    decDim: version === '2.1' ? 96 : 256,
    zDim: version === '2.1' ? 16 : 48,
    dimMult: [1, 2, 4, 4],
    numResBlocks: 2,
    attnScales: [],
    temperalDownsample: [false, true, true],
    patchSize: version === '2.1' ? 1 : 2,
    latentsMean: [...stats.mean],
    latentsStd: [...stats.std],
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positiveInt(obj: Record<string, unknown>, key: string, where: string): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new VaeError(`${where}: "${key}" must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  return v;
}

function numberList(obj: Record<string, unknown>, key: string, where: string): number[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new VaeError(`${where}: "${key}" must be a list of numbers, got ${JSON.stringify(v)}.`);
  }
  return v as number[];
}

function boolList(obj: Record<string, unknown>, key: string, where: string): boolean[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'boolean')) {
    throw new VaeError(`${where}: "${key}" must be a list of true/false, got ${JSON.stringify(v)}.`);
  }
  return v;
}

/** The version a config.json names (through `_source_file`, `dec_dim` or `patch_size`), if any. */
export function versionFromConfigJson(json: unknown): VaeVersion | undefined {
  if (!isRecord(json)) return undefined;
  const src = json._source_file;
  if (typeof src === 'string') {
    if (src.includes('vae2_2')) return '2.2';
    if (src.includes('vae2_1')) return '2.1';
  }
  if (json.dec_dim !== undefined || json.patch_size === 2) return '2.2';
  return undefined;
}

/**
 * Reads a VAE config.json object over the defaults of `version`. Unknown keys are ignored;
 * keys starting with `_` are informational. `where` names the file in error messages.
 */
export function parseVaeConfig(json: unknown, version: VaeVersion, where = 'VAE config'): VaeConfig {
  if (!isRecord(json)) throw new VaeError(`${where}: expected a JSON object.`);
  const base = defaultConfig(version);
  const dim = positiveInt(json, 'dim', where) ?? positiveInt(json, 'c_dim', where) ?? base.dim;
  const cfg: VaeConfig = {
    version,
    dim,
    decDim: version === '2.1' ? dim : (positiveInt(json, 'dec_dim', where) ?? base.decDim),
    zDim: positiveInt(json, 'z_dim', where) ?? base.zDim,
    dimMult: numberList(json, 'dim_mult', where) ?? base.dimMult,
    numResBlocks: positiveInt(json, 'num_res_blocks', where) ?? base.numResBlocks,
    attnScales: numberList(json, 'attn_scales', where) ?? base.attnScales,
    temperalDownsample: boolList(json, 'temperal_downsample', where) ?? base.temperalDownsample,
    patchSize: positiveInt(json, 'patch_size', where) ?? base.patchSize,
    latentsMean: numberList(json, 'latents_mean', where) ?? base.latentsMean,
    latentsStd: numberList(json, 'latents_std', where) ?? base.latentsStd,
  };
  validateVaeConfig(cfg, where);
  const stride = numberList(json, 'vae_stride', where);
  if (stride) {
    const want = vaeStride(cfg);
    if (stride.length !== 3 || stride.some((s, i) => s !== want[i])) {
      throw new VaeError(
        `${where}: "vae_stride" is [${stride.join(', ')}] but the architecture it describes has stride [${want.join(', ')}].`,
      );
    }
  }
  return cfg;
}

/** Checks the structural rules the official code relies on; throws a VaeError naming the field. */
export function validateVaeConfig(cfg: VaeConfig, where = 'VAE config'): void {
  if (cfg.dimMult.length < 2 || !cfg.dimMult.every((m) => Number.isInteger(m) && m > 0)) {
    throw new VaeError(
      `${where}: "dim_mult" must list at least two positive integers, got [${cfg.dimMult.join(', ')}].`,
    );
  }
  if (cfg.version === '2.1' && cfg.dimMult.length > 4) {
    throw new VaeError(
      `${where}: the Wan 2.1 VAE supports at most 4 levels in "dim_mult" (got ${cfg.dimMult.length}).`,
    );
  }
  const levels = cfg.dimMult.length - 1;
  const tdown = cfg.temperalDownsample.filter(Boolean).length;
  if (cfg.temperalDownsample.length !== levels) {
    throw new VaeError(
      `${where}: "temperal_downsample" needs ${levels} entries (one per downsampling level), got ${cfg.temperalDownsample.length}.`,
    );
  }
  if (tdown > 2) {
    throw new VaeError(
      `${where}: at most 2 levels may downsample time ("temperal_downsample" has ${tdown}); the official encoder feeds chunks of 4 frames.`,
    );
  }
  if (cfg.version === '2.1' && cfg.patchSize !== 1)
    throw new VaeError(`${where}: the Wan 2.1 VAE has no patchify ("patch_size" must be 1).`);
  if (cfg.version === '2.2' && cfg.patchSize !== 2)
    throw new VaeError(`${where}: the Wan 2.2 VAE patchifies by 2 ("patch_size" must be 2).`);
  if (cfg.version === '2.2') {
    // The AvgDown3D / DupUp3D shortcuts fold or unfold whole channel groups (asserted officially).
    const enc = [1, ...cfg.dimMult].map((m) => cfg.dim * m);
    const dec = [cfg.dimMult[levels], ...cfg.dimMult.slice().reverse()].map((m) => cfg.decDim * m);
    for (let i = 0; i < cfg.dimMult.length; i++) {
      const down = i !== levels;
      const factor = (down && cfg.temperalDownsample[i] ? 2 : 1) * (down ? 4 : 1);
      const upFactor = (down && cfg.temperalDownsample[levels - 1 - i] ? 2 : 1) * 4;
      if ((enc[i] * factor) % enc[i + 1] !== 0 || (down && (dec[i + 1] * upFactor) % dec[i] !== 0)) {
        throw new VaeError(
          `${where}: "dim_mult" [${cfg.dimMult.join(', ')}] does not fit the Wan 2.2 VAE's shortcut blocks at level ${i} (widths must grow at most by the fold factor, and the last two must be equal).`,
        );
      }
    }
  }
  if (cfg.latentsMean.length !== cfg.zDim || cfg.latentsStd.length !== cfg.zDim) {
    throw new VaeError(
      `${where}: the latent statistics have ${cfg.latentsMean.length} means and ${cfg.latentsStd.length} stds but z_dim is ${cfg.zDim}; give "latents_mean" and "latents_std" with ${cfg.zDim} values each.`,
    );
  }
  if (cfg.latentsStd.some((s) => !(s > 0)))
    throw new VaeError(`${where}: every "latents_std" value must be positive.`);
}

/** Temporal factor of the VAE: 2^(number of time-downsampling levels). */
export function timeStride(cfg: VaeConfig): number {
  return 2 ** cfg.temperalDownsample.slice(0, cfg.dimMult.length - 1).filter(Boolean).length;
}

/** Spatial factor: 2 per downsampling level, times the patchify factor. */
export function spaceStride(cfg: VaeConfig): number {
  return 2 ** (cfg.dimMult.length - 1) * cfg.patchSize;
}

/** `[t, h, w]` as the pipelines' `vae_stride`. */
export function vaeStride(cfg: VaeConfig): [number, number, number] {
  const s = spaceStride(cfg);
  return [timeStride(cfg), s, s];
}
