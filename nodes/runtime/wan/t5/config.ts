/**
 * umT5 encoder configuration: parsed from a config.json (Wan's `umt5_xxl()` cfg names, or the
 * Hugging Face T5/UMT5 names), inferred from the weight shapes, and checked against them.
 */

/** Dimensions of a umT5 encoder (Wan's `T5Encoder`). */
export interface Umt5Config {
  vocabSize: number;
  dim: number;
  /** Width of q/k/v (num_heads * head_dim). */
  dimAttn: number;
  dimFfn: number;
  numHeads: number;
  numLayers: number;
  numBuckets: number;
  /** false for umT5: every layer has its own relative position bias. */
  sharedPos: boolean;
  /** RMS norm epsilon (1e-6). */
  eps: number;
  /** Distance where the last logarithmic position bucket starts (128). */
  relativeMaxDist: number;
  /** Tokenizer / pipeline sequence length (512 for the real models). */
  textLen: number;
}

/** The real umT5-XXL encoder shipped with Wan 2.1/2.2 (`umt5_xxl(encoder_only=True)`). */
export const UMT5_XXL: Readonly<Umt5Config> = Object.freeze({
  vocabSize: 256384,
  dim: 4096,
  dimAttn: 4096,
  dimFfn: 10240,
  numHeads: 64,
  numLayers: 24,
  numBuckets: 32,
  sharedPos: false,
  eps: 1e-6,
  relativeMaxDist: 128,
  textLen: 512,
});

export class Umt5ConfigError extends Error {
  readonly file?: string;
  constructor(message: string, file?: string) {
    super(message);
    this.name = 'Umt5ConfigError';
    this.file = file;
  }
}

type Json = Record<string, unknown>;

function num(obj: Json, names: string[], where: string): number | undefined {
  for (const n of names) {
    const v = obj[n];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Umt5ConfigError(`${where}: "${n}" must be a number, got ${JSON.stringify(v)}.`);
    }
    return v;
  }
  return undefined;
}

function posInt(v: number | undefined, name: string, where: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v <= 0)
    throw new Umt5ConfigError(`${where}: "${name}" must be a positive integer, got ${v}.`);
  return v;
}

/**
 * Reads the fields a config.json gives (Wan names first, then Hugging Face T5/UMT5 names).
 * Fields it does not give are left out; `where` names the file in error messages.
 */
export function parseUmt5Config(json: unknown, where = 'T5 config'): Partial<Umt5Config> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Umt5ConfigError(`${where}: expected a JSON object with the T5 encoder dimensions.`);
  }
  const o = json as Json;
  const out: Partial<Umt5Config> = {};
  const set = <K extends keyof Umt5Config>(k: K, v: Umt5Config[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('vocabSize', posInt(num(o, ['vocab_size', 'vocab'], where), 'vocab_size', where));
  set('dim', posInt(num(o, ['dim', 'd_model'], where), 'dim', where));
  const heads = posInt(num(o, ['num_heads'], where), 'num_heads', where);
  set('numHeads', heads);
  let dimAttn = posInt(num(o, ['dim_attn'], where), 'dim_attn', where);
  const dKv = posInt(num(o, ['d_kv'], where), 'd_kv', where);
  if (dimAttn === undefined && dKv !== undefined && heads !== undefined) dimAttn = dKv * heads;
  set('dimAttn', dimAttn);
  set('dimFfn', posInt(num(o, ['dim_ffn', 'd_ff'], where), 'dim_ffn', where));
  set('numLayers', posInt(num(o, ['encoder_layers', 'num_layers'], where), 'encoder_layers', where));
  set(
    'numBuckets',
    posInt(num(o, ['num_buckets', 'relative_attention_num_buckets'], where), 'num_buckets', where),
  );
  set(
    'relativeMaxDist',
    posInt(
      num(o, ['relative_max_dist', 'relative_attention_max_distance'], where),
      'relative_max_dist',
      where,
    ),
  );
  set('textLen', posInt(num(o, ['text_len'], where), 'text_len', where));
  const eps = num(o, ['eps', 'layer_norm_epsilon'], where);
  if (eps !== undefined) {
    if (!(eps > 0)) throw new Umt5ConfigError(`${where}: "eps" must be positive, got ${eps}.`);
    out.eps = eps;
  }
  if (o.shared_pos !== undefined) {
    if (typeof o.shared_pos !== 'boolean')
      throw new Umt5ConfigError(`${where}: "shared_pos" must be true or false.`);
    out.sharedPos = o.shared_pos;
  }
  if (dimAttn !== undefined && heads !== undefined && dimAttn % heads !== 0) {
    throw new Umt5ConfigError(`${where}: dim_attn ${dimAttn} is not divisible by num_heads ${heads}.`);
  }
  return out;
}

/** The dimensions that the weight shapes tell (see `inferFromWeights` in weights.ts). */
export type ShapeFacts = Pick<
  Umt5Config,
  'vocabSize' | 'dim' | 'dimAttn' | 'dimFfn' | 'numHeads' | 'numLayers' | 'numBuckets' | 'sharedPos'
>;

/**
 * Completes a configuration: explicit fields win where they agree with the weights; a field that
 * contradicts the weight shapes is an error naming both sources.
 */
export function resolveUmt5Config(given: Partial<Umt5Config>, facts: ShapeFacts, where: string): Umt5Config {
  const keys = Object.keys(facts) as (keyof ShapeFacts)[];
  for (const k of keys) {
    const g = given[k];
    if (g !== undefined && g !== facts[k]) {
      throw new Umt5ConfigError(
        `${where}: the config says ${k} = ${String(g)} but the weights have ${k} = ${String(facts[k])}.`,
      );
    }
  }
  const cfg: Umt5Config = {
    ...facts,
    eps: given.eps ?? UMT5_XXL.eps,
    relativeMaxDist: given.relativeMaxDist ?? UMT5_XXL.relativeMaxDist,
    textLen: given.textLen ?? UMT5_XXL.textLen,
  };
  if (cfg.dimAttn % cfg.numHeads !== 0) {
    throw new Umt5ConfigError(
      `${where}: dim_attn ${cfg.dimAttn} is not divisible by num_heads ${cfg.numHeads}.`,
    );
  }
  return cfg;
}
