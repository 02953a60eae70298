import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsError, SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import type { WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import { inspectCheckpoint } from '../../../nodes/runtime/wan/layout/index';
import type { T5Checkpoint, VaeCheckpoint } from '../../../nodes/runtime/wan/layout/index';
import { GOLDEN_DIR } from '../../helpers/paths';

const skip = existsSync(join(GOLDEN_DIR, 'vae22')) ? false : `no golden data at ${GOLDEN_DIR}`;
const weights = (c: string): string => join(GOLDEN_DIR, c, 'weights.safetensors');
const cfg = (c: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(GOLDEN_DIR, c, 'config.json'), 'utf8')) as Record<string, unknown>;

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'wan-layout-vt-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('VAE checkpoints', { skip }, () => {
  test('2.1 and 2.2 are told apart, with config.json and from shapes alone', async () => {
    for (const [c, version, z, decDim, patch] of [
      ['vae21', '2.1', 16, 8, 1],
      ['vae22', '2.2', 48, 12, 2],
    ] as const) {
      const withCfg = (await inspectCheckpoint(weights(c))) as VaeCheckpoint;
      assert.equal(withCfg.kind, 'vae');
      assert.equal(withCfg.config.version, version);
      assert.equal(withCfg.config.z_dim, z);
      assert.equal(withCfg.config.dec_dim, decDim);
      assert.equal(withCfg.config.patch_size, patch);
      assert.deepEqual(withCfg.config.vae_stride, cfg(c)['vae_stride']);
      assert.deepEqual(withCfg.config.dim_mult, cfg(c)['dim_mult']);
      await withCfg.close();
      const p = join(work, `${c}.safetensors`);
      copyFileSync(weights(c), p);
      const bare = (await inspectCheckpoint(p)) as VaeCheckpoint;
      assert.equal(bare.configSource, 'tensor shapes');
      assert.deepEqual(bare.config, withCfg.config);
      await bare.close();
    }
  });
  test('a config.json that contradicts the tensors names the file, the key and the tensor', async () => {
    const dir = join(work, 'vae-bad-config');
    mkdirSync(dir, { recursive: true });
    copyFileSync(weights('vae22'), join(dir, 'weights.safetensors'));
    for (const [key, value, tensor] of [
      ['z_dim', 16, 'conv2.weight'],
      ['dim', 4, 'encoder.conv1.weight'],
      ['dec_dim', 7, 'decoder.head.0.gamma'],
    ] as const) {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg('vae22'), [key]: value }));
      await assert.rejects(inspectCheckpoint(join(dir, 'weights.safetensors')), (e: Error) => {
        assert.match(
          e.message,
          new RegExp(`config\\.json says ${key} ${value} but tensor "${tensor.replace(/\./g, '\\.')}"`),
        );
        assert.match(e.message, /shape disagreeing with the config/);
        assert.match(e.message, /weights\.safetensors/);
        return true;
      });
    }
  });

  test('latent statistics from the pipeline VAE config', async () => {
    const v = (await inspectCheckpoint(
      join(GOLDEN_DIR, 'pipe_ti2v', 'vae', 'weights.safetensors'),
    )) as VaeCheckpoint;
    assert.equal(v.config.latents_mean?.length, 48);
    assert.equal(v.config.dim, 2);
    await v.close();
  });
  test('a config disagreeing with the shapes is refused', async () => {
    const dir = join(work, 'vaebad');
    mkdirSync(dir);
    copyFileSync(weights('vae22'), join(dir, 'w.safetensors'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg('vae22'), z_dim: 16 }));
    await assert.rejects(
      inspectCheckpoint(join(dir, 'w.safetensors')),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        e.tensor === 'conv2.weight' &&
        /z_dim 16 .* \[48, 48, 1, 1, 1\]/.test(e.message),
    );
  });
});

describe('umT5 checkpoints', { skip }, () => {
  test('official names: dims, heads and layers from the shapes agree with config.json', async () => {
    const t = (await inspectCheckpoint(weights('t5'))) as T5Checkpoint;
    const c = cfg('t5');
    assert.equal(t.kind, 't5');
    assert.equal(t.layout, 'official');
    for (const k of [
      'vocab_size',
      'dim',
      'dim_attn',
      'dim_ffn',
      'num_heads',
      'encoder_layers',
      'num_buckets',
      'shared_pos',
      'text_len',
    ] as const) {
      assert.equal(t.config[k], c[k], k);
    }
    await t.close();
  });
  test('Hugging Face UMT5EncoderModel names map onto the official ones', async () => {
    const src = await SafetensorsFile.open(weights('t5'));
    const hf: Record<string, WritableTensor> = {};
    const toHf = (k: string): string => {
      if (k === 'token_embedding.weight') return 'shared.weight';
      if (k === 'norm.weight') return 'encoder.final_layer_norm.weight';
      const m = /^blocks\.(\d+)\.(.+)$/.exec(k)!;
      const rest: Record<string, string> = {
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
      return `encoder.block.${m[1]}.${rest[m[2]]}`;
    };
    for (const [k, info] of src.tensors)
      hf[toHf(k)] = { dtype: info.dtype, shape: info.shape, data: new Uint8Array(await src.readRaw(k)) };
    hf['encoder.embed_tokens.weight'] = hf['shared.weight']!;
    await src.close();
    const p = join(work, 'umt5_hf.safetensors');
    await writeSafetensors(p, hf);
    const t = (await inspectCheckpoint(p, { config: cfg('t5') })) as T5Checkpoint;
    const o = (await inspectCheckpoint(weights('t5'))) as T5Checkpoint;
    assert.equal(t.layout, 'transformers');
    assert.deepEqual(t.config, o.config);
    assert.deepEqual([...t.toOfficial.keys()].sort(), [...o.toOfficial.keys()].sort());
    assert.equal(
      t.toOfficial.get('blocks.1.ffn.gate.0.weight'),
      'encoder.block.1.layer.1.DenseReluDense.wi_0.weight',
    );
    await Promise.all([t.close(), o.close()]);
  });
});

describe('unrecognised files', () => {
  test('a file of other tensors names a few of them', async () => {
    const p = join(work, 'other.safetensors');
    await writeSafetensors(p, {
      'lm_head.weight': { dtype: 'F32', shape: [1], data: [0] },
      'model.embed.weight': { dtype: 'F32', shape: [1], data: [0] },
    });
    await assert.rejects(
      inspectCheckpoint(p),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        /not a recognised Wan checkpoint/.test(e.message) &&
        e.message.includes('"lm_head.weight"') &&
        e.message.includes(p),
    );
  });
});
