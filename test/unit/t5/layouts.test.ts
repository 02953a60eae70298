import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import type { WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import { loadUmt5 } from '../../../nodes/runtime/wan/t5/encoder';
import { Umt5ConfigError, parseUmt5Config } from '../../../nodes/runtime/wan/t5/config';
import { resolveUmt5Weights } from '../../../nodes/runtime/wan/t5/weights';
import { GOLDEN_DIR } from '../../helpers/paths';

const T5_CASE = join(GOLDEN_DIR, 't5');
const skip = existsSync(join(T5_CASE, 'weights.safetensors')) ? false : `no golden data at ${T5_CASE}`;
let work: string;
let official: Record<string, WritableTensor>;
let ids: BigInt64Array;
let mask: BigInt64Array;
let expected: Float32Array;

/** Wan key -> Hugging Face UMT5EncoderModel key. */
function toHf(key: string): string {
  const m = /^blocks\.(\d+)\.(.+)$/.exec(key);
  if (!m) return key === 'token_embedding.weight' ? 'shared.weight' : 'encoder.final_layer_norm.weight';
  const [, i, rest] = m;
  const map: Record<string, string> = {
    'norm1.weight': 'layer.0.layer_norm.weight',
    'attn.q.weight': 'layer.0.SelfAttention.q.weight',
    'attn.k.weight': 'layer.0.SelfAttention.k.weight',
    'attn.v.weight': 'layer.0.SelfAttention.v.weight',
    'attn.o.weight': 'layer.0.SelfAttention.o.weight',
    'pos_embedding.embedding.weight': 'layer.0.SelfAttention.relative_attention_bias.weight',
    'norm2.weight': 'layer.1.layer_norm.weight',
    'ffn.gate.0.weight': 'layer.1.DenseReluDense.wi_0.weight',
    'ffn.fc1.weight': 'layer.1.DenseReluDense.wi_1.weight',
    'ffn.fc2.weight': 'layer.1.DenseReluDense.wo.weight',
  };
  return `encoder.block.${i}.${map[rest]}`;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 't5-layouts-'));
  if (skip) return;
  const w = await SafetensorsFile.open(join(T5_CASE, 'weights.safetensors'));
  official = {};
  for (const [k, info] of w.tensors)
    official[k] = { dtype: 'F32', shape: info.shape, data: await w.readF32(k) };
  await w.close();
  const io = await SafetensorsFile.open(join(T5_CASE, 'io.safetensors'));
  ids = await io.readI64('ids');
  mask = await io.readI64('mask');
  expected = await io.readF32('hidden');
  await io.close();
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('umT5 weight layouts and dtypes', { skip }, () => {
  test('Hugging Face / ComfyUI key layout gives the same output', async () => {
    const hf: Record<string, WritableTensor> = {};
    for (const [k, t] of Object.entries(official)) hf[`text_model.${toHf(k)}`] = t;
    const file = join(work, 'hf', 'umt5.safetensors');
    mkdirSync(join(work, 'hf'));
    await writeSafetensors(file, hf);
    const t5 = await loadUmt5(file, { cacheDir: join(work, 'cache'), config: { text_len: 12 } });
    try {
      assert.equal(t5.config.numHeads, 4);
      assert.equal(t5.config.numLayers, 2);
      const out = await t5.encode(ids, mask);
      assert.ok(maxDiff(out.data, expected) < 2e-5);
    } finally {
      await t5.dispose();
    }
  });

  test('BF16 weights are upcast exactly (same result as the rounded values stored as F32)', async () => {
    const bf: Record<string, WritableTensor> = {};
    for (const [k, t] of Object.entries(official)) bf[k] = { ...t, dtype: 'BF16' };
    const bfFile = join(work, 'bf16.safetensors');
    await writeSafetensors(bfFile, bf);
    const rounded: Record<string, WritableTensor> = {};
    const r = await SafetensorsFile.open(bfFile);
    for (const [k, info] of r.tensors)
      rounded[k] = { dtype: 'F32', shape: info.shape, data: await r.readF32(k) };
    await r.close();
    const f32File = join(work, 'rounded.safetensors');
    await writeSafetensors(f32File, rounded);
    const opts = { cacheDir: join(work, 'cache'), config: { text_len: 12 } };
    const [a, b] = await Promise.all([loadUmt5(bfFile, opts), loadUmt5(f32File, opts)]);
    try {
      const [x, y] = [await a.encode(ids, mask), await b.encode(ids, mask)];
      assert.ok(maxDiff(x.data, y.data) < 1e-6);
      assert.ok(maxDiff(x.data, expected) > 1e-4, 'bf16 rounding must be visible');
    } finally {
      await a.dispose();
      await b.dispose();
    }
  });

  test('shapes give the dimensions; a contradicting config is a clear error', async () => {
    const w = await SafetensorsFile.open(join(T5_CASE, 'weights.safetensors'));
    try {
      const { facts } = resolveUmt5Weights(w.tensors, w.path);
      assert.deepEqual(facts, {
        vocabSize: 64,
        dim: 32,
        dimAttn: 32,
        dimFfn: 64,
        numBuckets: 32,
        numHeads: 4,
        numLayers: 2,
        sharedPos: false,
      });
    } finally {
      await w.close();
    }
    await assert.rejects(
      loadUmt5(join(T5_CASE, 'weights.safetensors'), {
        cacheDir: join(work, 'cache'),
        config: { num_heads: 8 },
      }),
      (e: unknown) =>
        e instanceof Umt5ConfigError &&
        /num_?heads|numHeads/i.test(e.message) &&
        e.message.includes('weights'),
    );
  });

  test('a missing tensor or a wrong shape names the file and the tensor', async () => {
    const broken = { ...official };
    delete broken['blocks.1.ffn.fc2.weight'];
    const f1 = join(work, 'missing.safetensors');
    await writeSafetensors(f1, broken);
    await assert.rejects(
      loadUmt5(f1, { cacheDir: join(work, 'cache') }),
      (e: unknown) =>
        e instanceof Error && e.message.includes(f1) && e.message.includes('blocks.1.ffn.fc2.weight'),
    );
    const bad = {
      ...official,
      'blocks.0.norm2.weight': { dtype: 'F32', shape: [31], data: new Float32Array(31) } as WritableTensor,
    };
    const f2 = join(work, 'badshape.safetensors');
    await writeSafetensors(f2, bad);
    await assert.rejects(
      loadUmt5(f2, { cacheDir: join(work, 'cache') }),
      (e: unknown) =>
        e instanceof Error && e.message.includes(f2) && /blocks\.0\.norm2\.weight.*\[31\]/.test(e.message),
    );
  });

  test('a file that is not a text encoder is refused', async () => {
    const f = join(work, 'other.safetensors');
    await writeSafetensors(f, { 'patch_embedding.weight': { dtype: 'F32', shape: [2], data: [1, 2] } });
    await assert.rejects(loadUmt5(f, { cacheDir: join(work, 'cache') }), /not a umT5 text encoder/);
  });

  test('token ids outside the vocabulary are refused before running', async () => {
    const t5 = await loadUmt5(join(T5_CASE, 'weights.safetensors'), { cacheDir: join(work, 'cache') });
    try {
      await assert.rejects(
        t5.encode([[5, 64, 1]], [[1, 1, 1]]),
        /token id 64 .*outside the vocabulary of 64/,
      );
      await assert.rejects(
        t5.encode(new BigInt64Array(5), new BigInt64Array(5)),
        /do not form a \[batch, length\]/,
      );
    } finally {
      await t5.dispose();
    }
  });

  test('config.json field names: Wan and Hugging Face spellings', () => {
    assert.deepEqual(
      parseUmt5Config({
        vocab_size: 10,
        d_model: 8,
        d_kv: 2,
        num_heads: 4,
        d_ff: 16,
        num_layers: 3,
        relative_attention_num_buckets: 32,
        layer_norm_epsilon: 1e-6,
      }),
      {
        vocabSize: 10,
        dim: 8,
        numHeads: 4,
        dimAttn: 8,
        dimFfn: 16,
        numLayers: 3,
        numBuckets: 32,
        eps: 1e-6,
      },
    );
    assert.throws(
      () => parseUmt5Config({ dim: 'big' }, 'x/config.json'),
      /x\/config\.json: "dim" must be a number/,
    );
  });
});
