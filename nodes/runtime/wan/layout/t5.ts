// umT5-XXL encoder checkpoints: the official Wan `T5Encoder` names, or the Hugging Face
// transformers `UMT5EncoderModel` names (as in ComfyUI's umt5_xxl files), mapped to official names.

import { fmtShape, layoutError, listSome } from './errors';

export type T5Layout = 'official' | 'transformers';

/** `umt5_xxl()` cfg names (official), plus the tokenizer length. */
export interface WanT5Config {
  vocab_size: number;
  dim: number;
  dim_attn: number;
  dim_ffn: number;
  num_heads: number;
  encoder_layers: number;
  num_buckets: number;
  shared_pos: boolean;
  text_len: number;
  eps: number;
}

const OFFICIAL = [
  /^token_embedding\.weight$/,
  /^norm\.weight$/,
  /^pos_embedding\.embedding\.weight$/,
  /^blocks\.\d+\.(norm1|norm2)\.weight$/,
  /^blocks\.\d+\.attn\.(q|k|v|o)\.weight$/,
  /^blocks\.\d+\.ffn\.(gate\.0|fc1|fc2)\.weight$/,
  /^blocks\.\d+\.pos_embedding\.embedding\.weight$/,
];

const HF_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(shared|encoder\.embed_tokens)\.weight$/, 'token_embedding.weight'],
  [/^encoder\.final_layer_norm\.weight$/, 'norm.weight'],
  [/^encoder\.block\.(\d+)\.layer\.0\.layer_norm\.weight$/, 'blocks.$1.norm1.weight'],
  [/^encoder\.block\.(\d+)\.layer\.0\.SelfAttention\.(q|k|v|o)\.weight$/, 'blocks.$1.attn.$2.weight'],
  [
    /^encoder\.block\.(\d+)\.layer\.0\.SelfAttention\.relative_attention_bias\.weight$/,
    'blocks.$1.pos_embedding.embedding.weight',
  ],
  [/^encoder\.block\.(\d+)\.layer\.1\.layer_norm\.weight$/, 'blocks.$1.norm2.weight'],
  [/^encoder\.block\.(\d+)\.layer\.1\.DenseReluDense\.wi_0\.weight$/, 'blocks.$1.ffn.gate.0.weight'],
  [/^encoder\.block\.(\d+)\.layer\.1\.DenseReluDense\.wi_1\.weight$/, 'blocks.$1.ffn.fc1.weight'],
  [/^encoder\.block\.(\d+)\.layer\.1\.DenseReluDense\.wo\.weight$/, 'blocks.$1.ffn.fc2.weight'],
];

export function isT5KeySet(keys: ReadonlySet<string>): boolean {
  return (
    keys.has('token_embedding.weight') ||
    keys.has('blocks.0.attn.q.weight') ||
    keys.has('encoder.block.0.layer.0.SelfAttention.q.weight')
  );
}

export function isT5ConfigJson(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    ('encoder_layers' in v || 'num_layers' in v) &&
    'vocab_size' in v
  );
}

export function t5HfToOfficial(key: string): string | undefined {
  for (const [re, to] of HF_RULES) if (re.test(key)) return key.replace(re, to);
  return undefined;
}

export function detectT5Layout(
  file: string,
  keys: readonly string[],
): { layout: T5Layout; toOfficial: Map<string, string> } {
  const hf = keys.some((k) => k.startsWith('encoder.block.') || k === 'shared.weight');
  const layout: T5Layout = hf ? 'transformers' : 'official';
  const toOfficial = new Map<string, string>();
  const unknown: string[] = [];
  for (const k of keys) {
    if (hf && k === 'encoder.embed_tokens.weight' && keys.includes('shared.weight')) continue; // tied copy
    const name = hf ? t5HfToOfficial(k) : OFFICIAL.some((re) => re.test(k)) ? k : undefined;
    if (name === undefined) unknown.push(k);
    else toOfficial.set(name, k);
  }
  if (unknown.length > 0) {
    throw layoutError(
      file,
      `unexpected tensor names for a umT5 encoder checkpoint (${layout} layout): ${listSome(unknown)}.`,
      unknown[0],
    );
  }
  return { layout, toOfficial };
}

export function inferT5Config(
  file: string,
  toOfficial: ReadonlyMap<string, string>,
  shapeOf: (fileKey: string) => readonly number[],
  raw?: Record<string, unknown>,
): WanT5Config {
  const need = (name: string): readonly number[] => {
    const k = toOfficial.get(name);
    if (k === undefined)
      throw layoutError(
        file,
        `tensor "${name}" is missing; it is required in a umT5 encoder checkpoint.`,
        name,
      );
    return shapeOf(k);
  };
  const emb = need('token_embedding.weight');
  const q = need('blocks.0.attn.q.weight');
  const fc1 = need('blocks.0.ffn.fc1.weight');
  const sharedPos = toOfficial.has('pos_embedding.embedding.weight');
  const pos = need(sharedPos ? 'pos_embedding.embedding.weight' : 'blocks.0.pos_embedding.embedding.weight');
  const layers = new Set<number>();
  for (const n of toOfficial.keys()) {
    const m = /^blocks\.(\d+)\./.exec(n);
    if (m) layers.add(Number(m[1]));
  }
  const cfg: WanT5Config = {
    vocab_size: emb[0],
    dim: emb[1],
    dim_attn: q[0],
    dim_ffn: fc1[0],
    num_heads: pos[1],
    encoder_layers: layers.size,
    num_buckets: pos[0],
    shared_pos: sharedPos,
    text_len: 512,
    eps: 1e-6,
  };
  if (raw) {
    const check = (key: string, have: number, tensor: string): void => {
      const v = raw[key];
      if (v === undefined) return;
      if (v !== have) {
        const fk = toOfficial.get(tensor) ?? tensor;
        throw layoutError(
          file,
          `config.json says ${key} ${JSON.stringify(v)} but tensor "${fk}" has shape ${fmtShape(shapeOf(fk))}: shape disagreeing with the config.`,
          fk,
        );
      }
    };
    check('vocab_size', cfg.vocab_size, 'token_embedding.weight');
    check('dim', cfg.dim, 'token_embedding.weight');
    check('dim_attn', cfg.dim_attn, 'blocks.0.attn.q.weight');
    check('dim_ffn', cfg.dim_ffn, 'blocks.0.ffn.fc1.weight');
    check(
      'num_heads',
      cfg.num_heads,
      sharedPos ? 'pos_embedding.embedding.weight' : 'blocks.0.pos_embedding.embedding.weight',
    );
    check(
      'num_buckets',
      cfg.num_buckets,
      sharedPos ? 'pos_embedding.embedding.weight' : 'blocks.0.pos_embedding.embedding.weight',
    );
    const nl = raw['encoder_layers'] ?? raw['num_layers'];
    if (nl !== undefined && nl !== cfg.encoder_layers) {
      throw layoutError(
        file,
        `config.json says ${JSON.stringify(nl)} encoder layers but the file has blocks for ${cfg.encoder_layers}.`,
      );
    }
    if (typeof raw['text_len'] === 'number') cfg.text_len = raw['text_len'];
    if (typeof raw['eps'] === 'number') cfg.eps = raw['eps'];
  }
  if (cfg.dim_attn % cfg.num_heads !== 0) {
    throw layoutError(file, `dim_attn ${cfg.dim_attn} is not divisible by num_heads ${cfg.num_heads}.`);
  }
  // every block must be complete
  const per = [
    'norm1.weight',
    'attn.q.weight',
    'attn.k.weight',
    'attn.v.weight',
    'attn.o.weight',
    'norm2.weight',
    'ffn.gate.0.weight',
    'ffn.fc1.weight',
    'ffn.fc2.weight',
  ];
  if (!sharedPos) per.push('pos_embedding.embedding.weight');
  const missing: string[] = [];
  for (let i = 0; i < cfg.encoder_layers; i++)
    for (const p of per) if (!toOfficial.has(`blocks.${i}.${p}`)) missing.push(`blocks.${i}.${p}`);
  if (!toOfficial.has('norm.weight')) missing.push('norm.weight');
  if (missing.length > 0)
    throw layoutError(
      file,
      `${missing.length} umT5 tensor(s) are missing: ${listSome(missing)}.`,
      missing[0],
    );
  return cfg;
}
