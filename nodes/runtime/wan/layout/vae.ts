// Wan VAE checkpoints (official `WanVAE_` state_dict names): 2.1 (z_dim 16, RGB head) vs
// 2.2 (z_dim 48, patchified 12-channel input and head). Config from config.json or from shapes.

import { fmtShape, layoutError, listSome } from './errors';

export type WanVaeVersion = '2.1' | '2.2';

/** `WanVAE_` constructor names plus the wrapper/pipeline fields the runtime needs. */
export interface WanVaeConfig {
  version: WanVaeVersion;
  dim: number;
  /** 2.2: decoder width (the encoder's `dim` for 2.1) */
  dec_dim: number;
  z_dim: number;
  dim_mult: number[];
  num_res_blocks: number;
  attn_scales: number[];
  temperal_downsample: boolean[];
  /** 1 for 2.1, 2 for 2.2 (spatial patchify before the encoder) */
  patch_size: number;
  vae_stride: [number, number, number];
  /** per-channel latent statistics when config.json provides them (else the runtime's official tables) */
  latents_mean?: number[];
  latents_std?: number[];
}

export function isVaeKeySet(keys: ReadonlySet<string>): boolean {
  return keys.has('encoder.conv1.weight') || keys.has('decoder.head.2.weight');
}

export function isVaeConfigJson(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && 'z_dim' in v;
}

const VAE_KEY = /^(encoder|decoder)\.|^conv[12]\.(weight|bias)$/;

export function inferVaeConfig(
  file: string,
  shapes: ReadonlyMap<string, readonly number[]>,
  raw?: Record<string, unknown>,
): WanVaeConfig {
  const need = (k: string): readonly number[] => {
    const s = shapes.get(k);
    if (!s) throw layoutError(file, `tensor "${k}" is missing; it is required in a Wan VAE checkpoint.`, k);
    return s;
  };
  const unexpected = [...shapes.keys()].filter((k) => !VAE_KEY.test(k));
  if (unexpected.length > 0) {
    throw layoutError(
      file,
      `unexpected tensor names for a Wan VAE checkpoint (official WanVAE_ names expected): ${listSome(unexpected)}.`,
      unexpected[0],
    );
  }
  const enc = need('encoder.conv1.weight');
  const head = need('decoder.head.2.weight');
  const conv2 = need('conv2.weight');
  const conv1 = need('conv1.weight');
  const z = conv2[0];
  const inCh = enc[1];
  const outCh = head[0];
  let version: WanVaeVersion;
  if (z === 16 && inCh === 3 && outCh === 3) version = '2.1';
  else if (z === 48 && inCh === 12 && outCh === 12) version = '2.2';
  else {
    throw layoutError(
      file,
      `not a known Wan VAE: z_dim ${z}, encoder input ${inCh} channels, decoder output ${outCh} channels (Wan 2.1: 16/3/3, Wan 2.2: 48/12/12).`,
      'conv2.weight',
    );
  }
  if (conv1[0] !== 2 * z) {
    throw layoutError(
      file,
      `tensor "conv1.weight" has shape ${fmtShape(conv1)}, expected ${2 * z} output channels (2 × z_dim ${z}).`,
      'conv1.weight',
    );
  }
  const dim = enc[0];
  const decHeadIn = need('decoder.head.0.gamma')[0];
  const cfg: WanVaeConfig = {
    version,
    dim,
    dec_dim: version === '2.2' ? decHeadIn : dim,
    z_dim: z,
    dim_mult: [1, 2, 4, 4],
    num_res_blocks: 2,
    attn_scales: [],
    temperal_downsample: [false, true, true],
    patch_size: version === '2.2' ? 2 : 1,
    vae_stride: version === '2.2' ? [4, 16, 16] : [4, 8, 8],
  };
  if (raw) {
    const src = `${file} (config.json)`;
    const n = (k: string): number | undefined => {
      const v = raw[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number') throw layoutError(src, `"${k}" must be a number.`);
      return v;
    };
    const nums = (k: string): number[] | undefined => {
      const v = raw[k];
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))
        throw layoutError(src, `"${k}" must be a list of numbers.`);
      return v;
    };
    /** A config value that contradicts the tensors is an error naming the file and tensor. */
    const mustMatch = (key: string, actual: number, tensor: string, seen: string, applies = true): void => {
      const said = n(key);
      if (applies && said !== undefined && said !== actual)
        throw layoutError(
          file,
          `config.json says ${key} ${said} but tensor "${tensor}" ${seen}: shape disagreeing with the config.`,
          tensor,
        );
    };
    mustMatch('z_dim', z, 'conv2.weight', `has shape ${fmtShape(conv2)}`);
    mustMatch('dim', dim, 'encoder.conv1.weight', `has shape ${fmtShape(enc)}`);
    mustMatch('dec_dim', decHeadIn, 'decoder.head.0.gamma', `has ${decHeadIn} channels`, version === '2.2');
    cfg.dim_mult = nums('dim_mult') ?? cfg.dim_mult;
    cfg.num_res_blocks = n('num_res_blocks') ?? cfg.num_res_blocks;
    cfg.attn_scales = nums('attn_scales') ?? cfg.attn_scales;
    const td = raw['temperal_downsample'];
    if (Array.isArray(td) && td.every((x) => typeof x === 'boolean')) cfg.temperal_downsample = td;
    const vs = nums('vae_stride');
    if (vs && vs.length === 3) cfg.vae_stride = vs as [number, number, number];
    const mean = nums('latents_mean');
    const std = nums('latents_std');
    if (mean) cfg.latents_mean = mean;
    if (std) cfg.latents_std = std;
    for (const [k, v] of [
      ['latents_mean', mean],
      ['latents_std', std],
    ] as const) {
      if (v && v.length !== z)
        throw layoutError(src, `"${k}" has ${v.length} values, expected z_dim = ${z}.`);
    }
  }
  const last = cfg.dim_mult[cfg.dim_mult.length - 1] ?? 1;
  const encHead = need('encoder.head.0.gamma');
  if (encHead[0] !== dim * last) {
    throw layoutError(
      file,
      `tensor "encoder.head.0.gamma" has shape ${fmtShape(encHead)}, expected ${dim * last} channels (dim ${dim} × dim_mult ${last}): shape disagreeing with the config.`,
      'encoder.head.0.gamma',
    );
  }
  return cfg;
}
