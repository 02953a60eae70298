// Key layouts of Wan DiT checkpoints and their mapping onto the official `WanModel` names:
//  - official (Wan-Video/Wan2.2 `state_dict()`),
//  - diffusers `WanTransformer3DModel` (renamed by diffusers' convert_wan_to_diffusers.py),
//  - ComfyUI single files (`model.diffusion_model.` + official names; accepted with or without it),
// each possibly under one wrapper prefix (`state_dict.`, `module.`, …; see wrapper.ts).

import { layoutError, listSome } from './errors';
import { findWrapperPrefix } from './wrapper';

export type DitLayout = 'official' | 'diffusers' | 'comfy';

export const COMFY_PREFIX = 'model.diffusion_model.';

/** Prefixes of other components that a ComfyUI all-in-one checkpoint may carry next to the DiT. */
const COMFY_OTHER_PREFIXES = [
  'first_stage_model.',
  'vae.',
  'text_encoders.',
  'cond_stage_model.',
  'clip_vision.',
  'conditioner.',
];

const OFFICIAL_PATTERNS: readonly RegExp[] = [
  /^patch_embedding\.(weight|bias)$/,
  /^(text_embedding|time_embedding)\.(0|2)\.(weight|bias)$/,
  /^time_projection\.1\.(weight|bias)$/,
  /^head\.head\.(weight|bias)$/,
  /^head\.modulation$/,
  /^blocks\.\d+\.modulation$/,
  /^blocks\.\d+\.(self_attn|cross_attn)\.(q|k|v|o)\.(weight|bias)$/,
  /^blocks\.\d+\.(self_attn|cross_attn)\.norm_(q|k)\.weight$/,
  /^blocks\.\d+\.norm3\.(weight|bias)$/,
  /^blocks\.\d+\.ffn\.(0|2)\.(weight|bias)$/,
];

/** Keys of the Wan 2.1 I2V CLIP image branch (official and diffusers names). */
const CLIP_BRANCH =
  /^(img_emb\.|condition_embedder\.image_embedder\.)|\.(k_img|v_img|norm_k_img|add_k_proj|add_v_proj|norm_added_k|norm_added_q)\./;

/** Inverse of diffusers' TRANSFORMER_KEYS_RENAME_DICT, as ordered rules (first match wins). */
const DIFFUSERS_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^condition_embedder\.text_embedder\.linear_1\./, 'text_embedding.0.'],
  [/^condition_embedder\.text_embedder\.linear_2\./, 'text_embedding.2.'],
  [/^condition_embedder\.time_embedder\.linear_1\./, 'time_embedding.0.'],
  [/^condition_embedder\.time_embedder\.linear_2\./, 'time_embedding.2.'],
  [/^condition_embedder\.time_proj\./, 'time_projection.1.'],
  [/^scale_shift_table$/, 'head.modulation'],
  [/^proj_out\./, 'head.head.'],
  [/^(blocks\.\d+)\.scale_shift_table$/, '$1.modulation'],
  [/^(blocks\.\d+)\.attn1\.to_(q|k|v)\./, '$1.self_attn.$2.'],
  [/^(blocks\.\d+)\.attn1\.to_out\.0\./, '$1.self_attn.o.'],
  [/^(blocks\.\d+)\.attn1\.(norm_q|norm_k)\./, '$1.self_attn.$2.'],
  [/^(blocks\.\d+)\.attn2\.to_(q|k|v)\./, '$1.cross_attn.$2.'],
  [/^(blocks\.\d+)\.attn2\.to_out\.0\./, '$1.cross_attn.o.'],
  [/^(blocks\.\d+)\.attn2\.(norm_q|norm_k)\./, '$1.cross_attn.$2.'],
  // diffusers norm2 is the affine cross-attention LayerNorm, official norm3 (norm1/norm2 have no weights).
  [/^(blocks\.\d+)\.norm2\./, '$1.norm3.'],
  [/^(blocks\.\d+)\.ffn\.net\.0\.proj\./, '$1.ffn.0.'],
  [/^(blocks\.\d+)\.ffn\.net\.2\./, '$1.ffn.2.'],
  [/^patch_embedding\./, 'patch_embedding.'],
];

/** True when the names look like a Wan DiT (official, diffusers or ComfyUI names). */
export function isDitKeySet(names: ReadonlySet<string>): boolean {
  for (const n of names) {
    const k = n.startsWith(COMFY_PREFIX) ? n.slice(COMFY_PREFIX.length) : n;
    if (
      k === 'patch_embedding.weight' ||
      k.startsWith('condition_embedder.') ||
      /^blocks\.\d+\.(attn1|self_attn)\./.test(k)
    )
      return true;
  }
  return false;
}

export function isOfficialDitKey(key: string): boolean {
  return OFFICIAL_PATTERNS.some((re) => re.test(key));
}

/** The official name of a diffusers `WanTransformer3DModel` key, or undefined if it is not one. */
export function diffusersToOfficial(key: string): string | undefined {
  for (const [re, to] of DIFFUSERS_RULES) {
    if (re.test(key)) {
      const official = key.replace(re, to);
      return isOfficialDitKey(official) ? official : undefined;
    }
  }
  return undefined;
}

/** Every official key of a DiT with this structure, in `state_dict()` order. */
export function officialDitKeys(numLayers: number, qkNorm: boolean, crossAttnNorm: boolean): string[] {
  const keys = ['patch_embedding.weight', 'patch_embedding.bias'];
  for (const m of [
    'text_embedding.0',
    'text_embedding.2',
    'time_embedding.0',
    'time_embedding.2',
    'time_projection.1',
  ]) {
    keys.push(`${m}.weight`, `${m}.bias`);
  }
  for (let i = 0; i < numLayers; i++) {
    const b = `blocks.${i}`;
    keys.push(`${b}.modulation`);
    const attn = (a: string): void => {
      for (const p of ['q', 'k', 'v', 'o']) keys.push(`${b}.${a}.${p}.weight`, `${b}.${a}.${p}.bias`);
      if (qkNorm) keys.push(`${b}.${a}.norm_q.weight`, `${b}.${a}.norm_k.weight`);
    };
    attn('self_attn');
    if (crossAttnNorm) keys.push(`${b}.norm3.weight`, `${b}.norm3.bias`);
    attn('cross_attn');
    keys.push(`${b}.ffn.0.weight`, `${b}.ffn.0.bias`, `${b}.ffn.2.weight`, `${b}.ffn.2.bias`);
  }
  keys.push('head.head.weight', 'head.head.bias', 'head.modulation');
  return keys;
}

export interface DitKeyMapping {
  layout: DitLayout;
  /** official name → key in the file */
  toOfficial: Map<string, string>;
}

/**
 * Detects the key layout from the file's tensor names and maps every key to its official name.
 * Throws a SafetensorsError for unknown or mixed layouts, listing a few offending keys.
 */
export function detectDitLayout(file: string, keys: readonly string[]): DitKeyMapping {
  // A wrapper (`state_dict.` …) in front of every key is looked through; file keys keep it.
  const wrapper = findWrapperPrefix(keys, isDitKeySet);
  const inner = (k: string): string => k.slice(wrapper.length);
  const prefixed = keys.filter((k) => inner(k).startsWith(COMFY_PREFIX));
  let layout: DitLayout | undefined;
  let names: Array<[fileKey: string, name: string]>;
  if (prefixed.length > 0) {
    const others = keys.filter(
      (k) => !inner(k).startsWith(COMFY_PREFIX) && !COMFY_OTHER_PREFIXES.some((p) => inner(k).startsWith(p)),
    );
    if (others.length > 0) {
      throw layoutError(
        file,
        `mixed key layout: ${prefixed.length} keys carry the ComfyUI prefix "${COMFY_PREFIX}" but ${others.length} do not, e.g. ${listSome(others)}.`,
      );
    }
    layout = 'comfy';
    names = prefixed.map((k) => [k, inner(k).slice(COMFY_PREFIX.length)]);
  } else {
    names = keys.map((k) => [k, inner(k)]);
  }

  const clip = names.filter(([, n]) => CLIP_BRANCH.test(n)).map(([k]) => k);
  if (clip.length > 0) {
    throw layoutError(
      file,
      `this is a Wan 2.1 image-to-video checkpoint with a CLIP image branch (e.g. ${listSome(clip, 3)}), which is not supported; use a Wan 2.2 checkpoint.`,
    );
  }

  const officialOnly: string[] = [];
  const diffusersOnly: string[] = [];
  const unknown: string[] = [];
  for (const [k, n] of names) {
    const off = isOfficialDitKey(n);
    const dif = diffusersToOfficial(n) !== undefined;
    if (off && !dif) officialOnly.push(k);
    else if (dif && !off) diffusersOnly.push(k);
    else if (!off && !dif) unknown.push(k);
  }
  if (layout === 'comfy' && diffusersOnly.length > 0) {
    throw layoutError(
      file,
      `keys carry the ComfyUI prefix but use diffusers names below it (e.g. ${listSome(diffusersOnly, 3)}); expected the official Wan names.`,
    );
  }
  if (officialOnly.length > 0 && diffusersOnly.length > 0) {
    throw layoutError(
      file,
      `mixed key layout: official Wan names (e.g. ${listSome(officialOnly, 3)}) and diffusers names (e.g. ${listSome(diffusersOnly, 3)}) in one file.`,
    );
  }
  if (layout === undefined) layout = diffusersOnly.length > 0 ? 'diffusers' : 'official';
  if (unknown.length > 0) {
    throw layoutError(
      file,
      `unexpected tensor names for a Wan DiT checkpoint (${layout} layout): ${listSome(unknown)}.`,
      unknown[0],
    );
  }

  const toOfficial = new Map<string, string>();
  for (const [k, n] of names) {
    const official = layout === 'diffusers' ? diffusersToOfficial(n)! : n;
    const prev = toOfficial.get(official);
    if (prev !== undefined) {
      throw layoutError(file, `tensors "${prev}" and "${k}" both map to the official name "${official}".`, k);
    }
    toOfficial.set(official, k);
  }
  return { layout, toOfficial };
}
