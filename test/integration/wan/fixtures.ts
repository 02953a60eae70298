/**
 * Tiny random Wan checkpoints for the integration tests (the sizes of the golden pipeline cases):
 * DiTs in the official, diffusers and ComfyUI key layouts as F32/F16/BF16, a tiny umT5 with the
 * tiny tokenizer, and tiny Wan 2.1 / 2.2 VAEs, laid out in ComfyUI's model folders.
 * Weights follow the golden cases' initialisation (N(0, 1/fan_in) weights, small biases, norm
 * gains near 1) so activations stay O(1).
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedDitShapes, type WanDitConfig } from '../../../nodes/runtime/wan/layout/dit-config';
import { COMFY_PREFIX } from '../../../nodes/runtime/wan/layout/dit-keys';
import { randn } from '../../../nodes/runtime/samplers/noise';
import type { StDtype } from '../../../nodes/runtime/safetensors/dtypes';
import { writeSafetensors, type WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import { defaultConfig, expectedVaeTensors, type VaeConfig } from '../../../nodes/runtime/wan/vae';
import { writeTinyUmt5Tokenizer } from '../../unit/tokenizer/fixture';
import type { WorkflowDocument } from '../../../workflows/schema';

export type Layout = 'official' | 'diffusers' | 'comfy';

export function tinyDitConfig(modelType: 't2v' | 'i2v' | 'ti2v'): WanDitConfig {
  const inDim = modelType === 'i2v' ? 36 : modelType === 'ti2v' ? 48 : 16;
  const outDim = modelType === 'ti2v' ? 48 : 16;
  return {
    model_type: modelType,
    patch_size: [1, 2, 2],
    text_len: 16,
    in_dim: inDim,
    dim: 64,
    ffn_dim: 128,
    freq_dim: 256,
    text_dim: 32,
    out_dim: outDim,
    num_heads: 2,
    num_layers: 2,
    window_size: [-1, -1],
    qk_norm: true,
    cross_attn_norm: true,
    eps: 1e-6,
  };
}

/** Random values for one tensor, by what its name says it is. */
function init(name: string, shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const z = randn(seed, n);
  const leaf = name.split('.').pop()!;
  let scale: number;
  let offset = 0;
  if (leaf === 'modulation' || leaf === 'scale_shift_table') scale = 1 / Math.sqrt(shape[shape.length - 1]);
  else if (leaf === 'bias') scale = 0.05;
  else if (leaf === 'gamma' || (leaf === 'weight' && shape.length === 1)) [scale, offset] = [0.1, 1];
  else if (name.endsWith('pos_embedding.embedding.weight')) scale = 0.5;
  else scale = 1 / Math.sqrt(shape.slice(1).reduce((a, b) => a * b, 1));
  for (let i = 0; i < n; i++) z[i] = z[i] * scale + offset;
  return z;
}

/** Official DiT key → the diffusers `WanTransformer3DModel` key (convert_wan_to_diffusers.py names). */
export function officialToDiffusers(key: string): string {
  const rules: Array<[RegExp, string]> = [
    [/^text_embedding\.0\./, 'condition_embedder.text_embedder.linear_1.'],
    [/^text_embedding\.2\./, 'condition_embedder.text_embedder.linear_2.'],
    [/^time_embedding\.0\./, 'condition_embedder.time_embedder.linear_1.'],
    [/^time_embedding\.2\./, 'condition_embedder.time_embedder.linear_2.'],
    [/^time_projection\.1\./, 'condition_embedder.time_proj.'],
    [/^head\.modulation$/, 'scale_shift_table'],
    [/^head\.head\./, 'proj_out.'],
    [/^(blocks\.\d+)\.modulation$/, '$1.scale_shift_table'],
    [/^(blocks\.\d+)\.self_attn\.(q|k|v)\./, '$1.attn1.to_$2.'],
    [/^(blocks\.\d+)\.self_attn\.o\./, '$1.attn1.to_out.0.'],
    [/^(blocks\.\d+)\.self_attn\.(norm_q|norm_k)\./, '$1.attn1.$2.'],
    [/^(blocks\.\d+)\.cross_attn\.(q|k|v)\./, '$1.attn2.to_$2.'],
    [/^(blocks\.\d+)\.cross_attn\.o\./, '$1.attn2.to_out.0.'],
    [/^(blocks\.\d+)\.cross_attn\.(norm_q|norm_k)\./, '$1.attn2.$2.'],
    [/^(blocks\.\d+)\.norm3\./, '$1.norm2.'],
    [/^(blocks\.\d+)\.ffn\.0\./, '$1.ffn.net.0.proj.'],
    [/^(blocks\.\d+)\.ffn\.2\./, '$1.ffn.net.2.'],
  ];
  for (const [re, to] of rules) if (re.test(key)) return key.replace(re, to);
  return key;
}

/**
 * Writes a DiT checkpoint `<dir>/<name>.safetensors` plus the official config.json beside it
 * (the tiny dim 64 does not tell the head count). The same seed gives the same values in every
 * layout and dtype.
 */
export async function writeTinyDit(
  dir: string,
  name: string,
  cfg: WanDitConfig,
  opts: { layout?: Layout; dtype?: StDtype; seed?: number } = {},
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const layout = opts.layout ?? 'official';
  const tensors: Record<string, WritableTensor> = {};
  let seed = opts.seed ?? 1;
  for (const [key, shape] of expectedDitShapes(cfg)) {
    const data = init(key, shape, seed++ * 1000);
    const stored =
      layout === 'diffusers' ? officialToDiffusers(key) : layout === 'comfy' ? COMFY_PREFIX + key : key;
    tensors[stored] = { dtype: opts.dtype ?? 'F32', shape, data };
  }
  const path = join(dir, `${name}.safetensors`);
  await writeSafetensors(path, tensors);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ _class_name: 'WanModel', ...cfg }));
  return path;
}

export const TINY_T5 = {
  vocab_size: 64,
  dim: 32,
  dim_attn: 32,
  dim_ffn: 64,
  num_heads: 4,
  encoder_layers: 2,
  num_buckets: 32,
  shared_pos: false,
  text_len: 16,
};

/** A tiny umT5 encoder (official key names) with its config.json in `dir`. */
export async function writeTinyT5(dir: string, name = 'umt5.safetensors', seed = 7): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const c = TINY_T5;
  const shapes: Array<[string, number[]]> = [['token_embedding.weight', [c.vocab_size, c.dim]]];
  for (let i = 0; i < c.encoder_layers; i++) {
    const b = `blocks.${i}`;
    shapes.push(
      [`${b}.norm1.weight`, [c.dim]],
      [`${b}.attn.q.weight`, [c.dim_attn, c.dim]],
      [`${b}.attn.k.weight`, [c.dim_attn, c.dim]],
      [`${b}.attn.v.weight`, [c.dim_attn, c.dim]],
      [`${b}.attn.o.weight`, [c.dim, c.dim_attn]],
      [`${b}.norm2.weight`, [c.dim]],
      [`${b}.ffn.gate.0.weight`, [c.dim_ffn, c.dim]],
      [`${b}.ffn.fc1.weight`, [c.dim_ffn, c.dim]],
      [`${b}.ffn.fc2.weight`, [c.dim, c.dim_ffn]],
      [`${b}.pos_embedding.embedding.weight`, [c.num_buckets, c.num_heads]],
    );
  }
  shapes.push(['norm.weight', [c.dim]]);
  const tensors: Record<string, WritableTensor> = {};
  shapes.forEach(([k, s], i) => {
    const data =
      k === 'token_embedding.weight' ? randn(seed * 100 + i, s[0] * s[1]) : init(k, s, seed * 100 + i);
    tensors[k] = { dtype: 'F32', shape: s, data };
  });
  const path = join(dir, name);
  await writeSafetensors(path, tensors);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ _class_name: 'T5Encoder', ...TINY_T5 }));
  return path;
}

export function tinyVaeConfig(version: '2.1' | '2.2'): VaeConfig {
  return version === '2.1'
    ? { ...defaultConfig('2.1'), dim: 4, decDim: 4 }
    : { ...defaultConfig('2.2'), dim: 2, decDim: 4 };
}

/** A tiny Wan VAE (official key names, no config.json: the loader infers it). */
export async function writeTinyVae(path: string, version: '2.1' | '2.2', seed = 11): Promise<string> {
  const tensors: Record<string, WritableTensor> = {};
  let s = seed * 1000;
  for (const [k, shape] of expectedVaeTensors(tinyVaeConfig(version))) {
    const data = init(k, shape, s++);
    if (k === 'decoder.head.2.weight') for (let i = 0; i < data.length; i++) data[i] *= 0.5;
    tensors[k] = { dtype: 'F32', shape, data };
  }
  await writeSafetensors(path, tensors);
  return path;
}

export interface ModelRoot {
  root: string;
  tokenizer: string;
}

/**
 * A ComfyUI-style model root under `root`: diffusion_models/<sub>/…, text_encoders/tiny-umt5/,
 * vae/, tokenizers/umt5-xxl/ (tiny tokenizer). DiTs are added by the caller.
 */
export async function writeModelRoot(root: string): Promise<ModelRoot> {
  await writeTinyT5(join(root, 'text_encoders', 'tiny-umt5'));
  mkdirSync(join(root, 'vae'), { recursive: true });
  await writeTinyVae(join(root, 'vae', 'tiny_wan21_vae.safetensors'), '2.1');
  await writeTinyVae(join(root, 'vae', 'tiny_wan22_vae.safetensors'), '2.2');
  const tok = writeTinyUmt5Tokenizer();
  const tokDir = join(root, 'tokenizers', 'umt5-xxl');
  mkdirSync(tokDir, { recursive: true });
  copyFileSync(tok.file, join(tokDir, 'tokenizer.json'));
  copyFileSync(join(tok.dir, 'tokenizer_config.json'), join(tokDir, 'tokenizer_config.json'));
  rmSync(tok.dir, { recursive: true, force: true });
  return { root, tokenizer: tokDir };
}

export type Values = Record<string, string | number | boolean>;
/** A schema-1 workflow from `id: [type, values]` and `[from, output, to, input]` edges. */
export function doc(
  nodes: Record<string, [string, Values]>,
  edges: Array<[string, string, string, string]>,
): WorkflowDocument {
  return {
    schemaVersion: 1,
    nodes: Object.fromEntries(
      Object.entries(nodes).map(([id, [type, values]], i) => [
        id,
        { type, version: 1, position: { x: i * 100, y: 0 }, values },
      ]),
    ),
    edges: edges.map(([from, output, to, input], i) => ({
      id: `e${i}`,
      from: { node: from, output },
      to: { node: to, input },
    })),
  };
}
