/**
 * Finds the umT5 encoder tensors in a weights file and reads the model dimensions from their
 * shapes. Two key layouts are understood:
 * - `wan`: the official Wan `T5Encoder` state dict (`token_embedding.weight`, `blocks.N.attn.q.weight`, ...);
 * - `hf`: Hugging Face `UMT5EncoderModel` / ComfyUI text-encoder files (`shared.weight`,
 *   `encoder.block.N.layer.0.SelfAttention.q.weight`, ...), optionally under a common prefix.
 */
import type { ShapeFacts } from './config';
import { Umt5ConfigError } from './config';

export interface TensorShapeInfo {
  dtype: string;
  shape: number[];
}

export interface Umt5LayerNames {
  norm1: string;
  q: string;
  k: string;
  v: string;
  o: string;
  norm2: string;
  /** the GELU branch (`ffn.gate.0` / `wi_0`) */
  gate: string;
  /** the linear branch (`ffn.fc1` / `wi_1`) */
  fc1: string;
  fc2: string;
  /** this layer's relative position embedding [num_buckets, num_heads]; absent with shared_pos */
  posBias?: string;
}

export interface Umt5WeightNames {
  layout: 'wan' | 'hf';
  embedding: string;
  finalNorm: string;
  /** the single shared relative position embedding (shared_pos = true) */
  sharedPosBias?: string;
  layers: Umt5LayerNames[];
}

function wanLayer(p: string, i: number): Umt5LayerNames {
  const b = `${p}blocks.${i}.`;
  return {
    norm1: `${b}norm1.weight`,
    q: `${b}attn.q.weight`,
    k: `${b}attn.k.weight`,
    v: `${b}attn.v.weight`,
    o: `${b}attn.o.weight`,
    norm2: `${b}norm2.weight`,
    gate: `${b}ffn.gate.0.weight`,
    fc1: `${b}ffn.fc1.weight`,
    fc2: `${b}ffn.fc2.weight`,
    posBias: `${b}pos_embedding.embedding.weight`,
  };
}

function hfLayer(p: string, i: number): Umt5LayerNames {
  const a = `${p}encoder.block.${i}.layer.0.`;
  const f = `${p}encoder.block.${i}.layer.1.`;
  return {
    norm1: `${a}layer_norm.weight`,
    q: `${a}SelfAttention.q.weight`,
    k: `${a}SelfAttention.k.weight`,
    v: `${a}SelfAttention.v.weight`,
    o: `${a}SelfAttention.o.weight`,
    norm2: `${f}layer_norm.weight`,
    gate: `${f}DenseReluDense.wi_0.weight`,
    fc1: `${f}DenseReluDense.wi_1.weight`,
    fc2: `${f}DenseReluDense.wo.weight`,
    posBias: `${a}SelfAttention.relative_attention_bias.weight`,
  };
}

function findPrefix(keys: Iterable<string>, suffix: string): string | undefined {
  for (const k of keys) if (k.endsWith(suffix)) return k.slice(0, k.length - suffix.length);
  return undefined;
}

function countLayers(has: (k: string) => boolean, layer: (i: number) => Umt5LayerNames): number {
  let n = 0;
  while (has(layer(n).q)) n++;
  return n;
}

/**
 * Locates every encoder tensor and derives the dimensions from the shapes.
 * Throws a Umt5ConfigError naming `file` and the tensor when something is missing or inconsistent.
 */
export function resolveUmt5Weights(
  tensors: ReadonlyMap<string, TensorShapeInfo>,
  file: string,
): { names: Umt5WeightNames; facts: ShapeFacts } {
  const has = (k: string) => tensors.has(k);
  const keys = [...tensors.keys()];
  let names: Umt5WeightNames;
  const wanPrefix = findPrefix(keys, 'blocks.0.attn.q.weight');
  const hfPrefix = findPrefix(keys, 'encoder.block.0.layer.0.SelfAttention.q.weight');
  if (wanPrefix !== undefined) {
    const p = wanPrefix;
    const n = countLayers(has, (i) => wanLayer(p, i));
    const layers = Array.from({ length: n }, (_, i) => wanLayer(p, i));
    const shared = has(`${p}pos_embedding.embedding.weight`)
      ? `${p}pos_embedding.embedding.weight`
      : undefined;
    names = {
      layout: 'wan',
      embedding: `${p}token_embedding.weight`,
      finalNorm: `${p}norm.weight`,
      sharedPosBias: shared,
      layers,
    };
  } else if (hfPrefix !== undefined) {
    const p = hfPrefix;
    const n = countLayers(has, (i) => hfLayer(p, i));
    const layers = Array.from({ length: n }, (_, i) => hfLayer(p, i));
    const embedding =
      [`${p}encoder.embed_tokens.weight`, `${p}shared.weight`].find(has) ?? `${p}shared.weight`;
    names = { layout: 'hf', embedding, finalNorm: `${p}encoder.final_layer_norm.weight`, layers };
  } else {
    throw new Umt5ConfigError(
      `${file}: this is not a umT5 text encoder: neither "blocks.0.attn.q.weight" (Wan layout) nor "encoder.block.0.layer.0.SelfAttention.q.weight" (Hugging Face layout) was found.`,
      file,
    );
  }

  // relative position bias: per layer (umT5) or only on the first layer / top level (shared, classic T5)
  const perLayer = names.layers.every((l) => l.posBias !== undefined && has(l.posBias));
  if (!perLayer) {
    const first = names.layers[0]?.posBias;
    const shared = names.sharedPosBias ?? (first !== undefined && has(first) ? first : undefined);
    if (shared === undefined) {
      throw new Umt5ConfigError(
        `${file}: no relative position embedding found (expected "${names.layers[0]?.posBias ?? 'pos_embedding.embedding.weight'}").`,
        file,
      );
    }
    names.sharedPosBias = shared;
    for (const l of names.layers) delete l.posBias;
  } else {
    delete names.sharedPosBias;
  }

  const shape = (k: string): number[] => {
    const t = tensors.get(k);
    if (!t) throw new Umt5ConfigError(`${file}: tensor "${k}" is missing.`, file);
    return t.shape;
  };
  const expect = (k: string, want: number[]) => {
    const got = shape(k);
    if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
      throw new Umt5ConfigError(
        `${file}: tensor "${k}" has shape [${got.join(', ')}], expected [${want.join(', ')}].`,
        file,
      );
    }
  };
  const emb = shape(names.embedding);
  if (emb.length !== 2)
    throw new Umt5ConfigError(
      `${file}: tensor "${names.embedding}" must be 2-D [vocab, dim], got [${emb.join(', ')}].`,
      file,
    );
  const [vocabSize, dim] = emb as [number, number];
  const l0 = names.layers[0];
  const q = shape(l0.q);
  const f1 = shape(l0.fc1);
  const bias = shape(l0.posBias ?? names.sharedPosBias!);
  if (q.length !== 2 || f1.length !== 2 || bias.length !== 2) {
    throw new Umt5ConfigError(
      `${file}: unexpected ranks for "${l0.q}", "${l0.fc1}" or the position embedding.`,
      file,
    );
  }
  const facts: ShapeFacts = {
    vocabSize,
    dim,
    dimAttn: q[0],
    dimFfn: f1[0],
    numBuckets: bias[0],
    numHeads: bias[1],
    numLayers: names.layers.length,
    sharedPos: names.sharedPosBias !== undefined,
  };
  if (facts.dimAttn % facts.numHeads !== 0) {
    throw new Umt5ConfigError(
      `${file}: q width ${facts.dimAttn} is not divisible by the ${facts.numHeads} heads of the position embedding.`,
      file,
    );
  }
  for (const l of names.layers) {
    expect(l.norm1, [dim]);
    expect(l.q, [facts.dimAttn, dim]);
    expect(l.k, [facts.dimAttn, dim]);
    expect(l.v, [facts.dimAttn, dim]);
    expect(l.o, [dim, facts.dimAttn]);
    expect(l.norm2, [dim]);
    expect(l.gate, [facts.dimFfn, dim]);
    expect(l.fc1, [facts.dimFfn, dim]);
    expect(l.fc2, [dim, facts.dimFfn]);
    if (l.posBias) expect(l.posBias, [facts.numBuckets, facts.numHeads]);
  }
  expect(names.finalNorm, [dim]);
  return { names, facts };
}
