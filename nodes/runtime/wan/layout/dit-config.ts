// The configuration of a Wan DiT: read from config.json (official WanModel names or diffusers
// WanTransformer3DModel names), or inferred from tensor shapes, then checked against every shape.

import { fmtShape, layoutError, listSome } from './errors';
import { officialDitKeys } from './dit-keys';

export type WanModelType = 't2v' | 'i2v' | 'ti2v';

/** Official `WanModel` constructor names. */
export interface WanDitConfig {
  model_type: WanModelType;
  patch_size: [number, number, number];
  text_len: number;
  in_dim: number;
  dim: number;
  ffn_dim: number;
  freq_dim: number;
  text_dim: number;
  out_dim: number;
  num_heads: number;
  num_layers: number;
  window_size: [number, number];
  qk_norm: boolean;
  cross_attn_norm: boolean;
  eps: number;
}

/** Shapes of the checkpoint's tensors under their official names. */
export interface OfficialShapes {
  file: string;
  /** official name → file key */
  toOfficial: ReadonlyMap<string, string>;
  /** file key → shape */
  shapeOf: (fileKey: string) => readonly number[];
}

/** Wan releases: heads cannot be read from shapes. */
const KNOWN_HEADS: ReadonlyMap<number, number> = new Map([
  [5120, 40], // 14B (T2V/I2V A14B experts)
  [3072, 24], // TI2V 5B
  [1536, 12], // 1.3B
]);

export const WAN_DEFAULT_TEXT_LEN = 512;

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True if the JSON object looks like a DiT config (official or diffusers). */
export function isDitConfigJson(v: unknown): v is Json {
  if (!isObj(v)) return false;
  const cls = v['_class_name'];
  if (cls === 'WanModel' || cls === 'WanTransformer3DModel') return true;
  return ('dim' in v && 'num_heads' in v) || ('num_attention_heads' in v && 'attention_head_dim' in v);
}

function num(cfgFile: string, v: Json, key: string): number | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw layoutError(cfgFile, `"${key}" must be a number, got ${JSON.stringify(x)}.`);
  return x;
}

function bool(cfgFile: string, v: Json, key: string): boolean | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'boolean') return x;
  // diffusers: qk_norm "rms_norm_across_heads" (or null for none)
  if (typeof x === 'string') return x.length > 0;
  throw layoutError(cfgFile, `"${key}" must be a boolean, got ${JSON.stringify(x)}.`);
}

function tuple(cfgFile: string, v: Json, key: string, n: number): number[] | undefined {
  const x = v[key];
  if (x === undefined || x === null) return undefined;
  if (!Array.isArray(x) || x.length !== n || !x.every((d) => typeof d === 'number')) {
    throw layoutError(cfgFile, `"${key}" must be a list of ${n} numbers, got ${JSON.stringify(x)}.`);
  }
  return x;
}

/**
 * Reads the fields present in a DiT config.json (official or diffusers names) as official names.
 * Missing fields stay undefined; `inferDitConfig` fills them from the shapes.
 */
export function parseDitConfigJson(cfgFile: string, raw: unknown): Partial<WanDitConfig> {
  if (!isObj(raw)) throw layoutError(cfgFile, 'a DiT config.json must be a JSON object.');
  const out: Partial<WanDitConfig> = {};
  const isDiffusers = raw['_class_name'] === 'WanTransformer3DModel' || 'num_attention_heads' in raw;
  if (isDiffusers) {
    if (raw['image_dim'] != null || raw['added_kv_proj_dim'] != null) {
      throw layoutError(
        cfgFile,
        'this config describes a Wan 2.1 image-to-video model with a CLIP image branch (image_dim / added_kv_proj_dim), which is not supported.',
      );
    }
    const heads = num(cfgFile, raw, 'num_attention_heads');
    const headDim = num(cfgFile, raw, 'attention_head_dim');
    if (heads !== undefined) out.num_heads = heads;
    if (heads !== undefined && headDim !== undefined) out.dim = heads * headDim;
    const map: Array<[keyof WanDitConfig, string]> = [
      ['in_dim', 'in_channels'],
      ['out_dim', 'out_channels'],
      ['ffn_dim', 'ffn_dim'],
      ['num_layers', 'num_layers'],
      ['text_dim', 'text_dim'],
      ['freq_dim', 'freq_dim'],
      ['eps', 'eps'],
      ['text_len', 'text_len'],
    ];
    for (const [to, from] of map) {
      const x = num(cfgFile, raw, from);
      if (x !== undefined) (out as Record<string, unknown>)[to] = x;
    }
    // diffusers has no text_len (its pipeline pads prompts to 512); honour an embedded official config.
    const eq = raw['official_equivalent'];
    if (out.text_len === undefined && isObj(eq)) {
      const tl = num(cfgFile, eq, 'text_len');
      if (tl !== undefined) out.text_len = tl;
    }
  } else {
    for (const key of [
      'in_dim',
      'dim',
      'ffn_dim',
      'freq_dim',
      'text_dim',
      'out_dim',
      'num_heads',
      'num_layers',
      'text_len',
      'eps',
    ] as const) {
      const x = num(cfgFile, raw, key);
      if (x !== undefined) out[key] = x;
    }
    const mt = raw['model_type'];
    if (mt !== undefined) {
      if (mt !== 't2v' && mt !== 'i2v' && mt !== 'ti2v') {
        throw layoutError(
          cfgFile,
          `model_type ${JSON.stringify(mt)} is not supported (expected "t2v", "i2v" or "ti2v").`,
        );
      }
      out.model_type = mt;
    }
    const ws = tuple(cfgFile, raw, 'window_size', 2);
    if (ws) out.window_size = ws as [number, number];
  }
  const ps = tuple(cfgFile, raw, 'patch_size', 3);
  if (ps) out.patch_size = ps as [number, number, number];
  const qk = bool(cfgFile, raw, 'qk_norm');
  if (qk !== undefined) out.qk_norm = qk;
  const can = bool(cfgFile, raw, 'cross_attn_norm');
  if (can !== undefined) out.cross_attn_norm = can;
  return out;
}

function shapeOfficial(s: OfficialShapes, name: string): readonly number[] {
  const key = s.toOfficial.get(name);
  if (key === undefined)
    throw layoutError(s.file, `tensor "${name}" is missing; it is required in a Wan DiT checkpoint.`, name);
  return s.shapeOf(key);
}

/** Fills every field not given in `partial` from the tensor shapes (and the known Wan releases). */
export function inferDitConfig(s: OfficialShapes, partial: Partial<WanDitConfig> = {}): WanDitConfig {
  const pe = shapeOfficial(s, 'patch_embedding.weight');
  if (pe.length !== 5) {
    throw layoutError(
      s.file,
      `tensor "${s.toOfficial.get('patch_embedding.weight')}" has shape ${fmtShape(pe)}; expected 5 dimensions [dim, in_dim, pt, ph, pw].`,
      s.toOfficial.get('patch_embedding.weight'),
    );
  }
  const dim = partial.dim ?? pe[0];
  const patch = partial.patch_size ?? ([pe[2], pe[3], pe[4]] as [number, number, number]);
  const in_dim = partial.in_dim ?? pe[1];
  const te = shapeOfficial(s, 'text_embedding.0.weight');
  const tm = shapeOfficial(s, 'time_embedding.0.weight');
  const ffn = shapeOfficial(s, 'blocks.0.ffn.0.weight');
  const head = shapeOfficial(s, 'head.head.weight');
  const pprod = patch[0] * patch[1] * patch[2];
  const out_dim = partial.out_dim ?? head[0] / pprod;
  const blockIdx = new Set<number>();
  for (const name of s.toOfficial.keys()) {
    const m = /^blocks\.(\d+)\./.exec(name);
    if (m) blockIdx.add(Number(m[1]));
  }
  const num_layers = partial.num_layers ?? blockIdx.size;
  for (let i = 0; i < blockIdx.size; i++) {
    if (!blockIdx.has(i))
      throw layoutError(s.file, `blocks are not numbered 0..${blockIdx.size - 1}: block ${i} is missing.`);
  }
  let num_heads = partial.num_heads;
  if (num_heads === undefined) {
    num_heads = KNOWN_HEADS.get(dim) ?? (dim % 128 === 0 ? dim / 128 : undefined);
    if (num_heads === undefined) {
      throw layoutError(
        s.file,
        `the number of attention heads cannot be read from the weights (dim ${dim} is not a known Wan size nor a multiple of 128); put a config.json with "num_heads" next to the file.`,
      );
    }
  }
  let model_type = partial.model_type;
  if (model_type === undefined)
    model_type = in_dim === 36 ? 'i2v' : in_dim === 48 && out_dim === 48 ? 'ti2v' : 't2v';
  return {
    model_type,
    patch_size: patch,
    text_len: partial.text_len ?? WAN_DEFAULT_TEXT_LEN,
    in_dim,
    dim,
    ffn_dim: partial.ffn_dim ?? ffn[0],
    freq_dim: partial.freq_dim ?? tm[1],
    text_dim: partial.text_dim ?? te[1],
    out_dim,
    num_heads,
    num_layers,
    window_size: partial.window_size ?? [-1, -1],
    qk_norm: partial.qk_norm ?? s.toOfficial.has('blocks.0.self_attn.norm_q.weight'),
    cross_attn_norm: partial.cross_attn_norm ?? s.toOfficial.has('blocks.0.norm3.weight'),
    eps: partial.eps ?? 1e-6,
  };
}

/** Expected shape of every official tensor under a config. */
export function expectedDitShapes(c: WanDitConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const [p0, p1, p2] = c.patch_size;
  const d = c.dim;
  for (const key of officialDitKeys(c.num_layers, c.qk_norm, c.cross_attn_norm)) {
    const leaf = key.replace(/^blocks\.\d+\./, '');
    let shape: number[];
    if (key === 'patch_embedding.weight') shape = [d, c.in_dim, p0, p1, p2];
    else if (key === 'text_embedding.0.weight') shape = [d, c.text_dim];
    else if (key === 'time_embedding.0.weight') shape = [d, c.freq_dim];
    else if (key === 'time_projection.1.weight') shape = [6 * d, d];
    else if (key === 'time_projection.1.bias') shape = [6 * d];
    else if (key === 'head.head.weight') shape = [c.out_dim * p0 * p1 * p2, d];
    else if (key === 'head.head.bias') shape = [c.out_dim * p0 * p1 * p2];
    else if (key === 'head.modulation') shape = [1, 2, d];
    else if (leaf === 'modulation') shape = [1, 6, d];
    else if (leaf === 'ffn.0.weight') shape = [c.ffn_dim, d];
    else if (leaf === 'ffn.0.bias') shape = [c.ffn_dim];
    else if (leaf === 'ffn.2.weight') shape = [d, c.ffn_dim];
    else if (key.endsWith('.weight') && /(\.(q|k|v|o)|_embedding\.2)\.weight$/.test(key)) shape = [d, d];
    else shape = [d]; // biases, norm weights
    m.set(key, shape);
  }
  return m;
}

/** Checks the config for sanity and every tensor against it; throws naming file, tensor, expected and actual. */
export function checkDitShapes(s: OfficialShapes, c: WanDitConfig, configSource: string): void {
  if (c.dim % c.num_heads !== 0) {
    throw layoutError(s.file, `${configSource}: dim ${c.dim} is not divisible by num_heads ${c.num_heads}.`);
  }
  if ((c.dim / c.num_heads) % 2 !== 0) {
    throw layoutError(
      s.file,
      `${configSource}: head dimension ${c.dim / c.num_heads} must be even for rotary embeddings.`,
    );
  }
  const expected = expectedDitShapes(c);
  const missing = [...expected.keys()].filter((k) => !s.toOfficial.has(k));
  if (missing.length > 0) {
    throw layoutError(
      s.file,
      `${missing.length} tensor(s) required by the config (${configSource}) are missing: ${listSome(missing)}.`,
      missing[0],
    );
  }
  const extra = [...s.toOfficial.entries()].filter(([k]) => !expected.has(k)).map(([, fk]) => fk);
  if (extra.length > 0) {
    throw layoutError(
      s.file,
      `${extra.length} tensor(s) are not part of a Wan DiT with ${c.num_layers} layers (qk_norm ${c.qk_norm}, cross_attn_norm ${c.cross_attn_norm}) from ${configSource}: ${listSome(extra)}.`,
      extra[0],
    );
  }
  for (const [name, want] of expected) {
    const fk = s.toOfficial.get(name)!;
    const got = s.shapeOf(fk);
    if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
      throw layoutError(
        s.file,
        `tensor "${fk}" has shape ${fmtShape(got)}, but the config (${configSource}) expects ${fmtShape(want)}: shape disagreeing with the config.`,
        fk,
      );
    }
  }
}
