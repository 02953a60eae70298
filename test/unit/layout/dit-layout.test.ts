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
import { SafetensorsError } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import type { WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import {
  detectDitLayout,
  diffusersToOfficial,
  expectedDitShapes,
  inferDitConfig,
  inspectCheckpoint,
} from '../../../nodes/runtime/wan/layout/index';
import type { DitCheckpoint, WanDitConfig } from '../../../nodes/runtime/wan/layout/index';
import { GOLDEN_DIR } from '../../helpers/paths';

const skip = existsSync(join(GOLDEN_DIR, 'dit_t2v_diffusers')) ? false : `no golden data at ${GOLDEN_DIR}`;
const weights = (c: string): string => join(GOLDEN_DIR, c, 'weights.safetensors');
const goldenConfig = (c: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(GOLDEN_DIR, c, 'config.json'), 'utf8')) as Record<string, unknown>;

function pickConfigFields(raw: Record<string, unknown>): Partial<WanDitConfig> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(raw)) if (!k.startsWith('_')) out[k] = raw[k];
  return out;
}

async function dit(path: string, opts = {}): Promise<DitCheckpoint> {
  const c = await inspectCheckpoint(path, opts);
  assert.equal(c.kind, 'dit');
  return c;
}

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'wan-layout-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('DiT key layouts on the golden checkpoints', { skip }, () => {
  test('official, diffusers and comfy map to the same official keys, shapes and bytes', async () => {
    const off = await dit(weights('dit_t2v'));
    const dif = await dit(weights('dit_t2v_diffusers'));
    const com = await dit(weights('dit_t2v_comfy'));
    try {
      assert.equal(off.layout, 'official');
      assert.equal(dif.layout, 'diffusers');
      assert.equal(com.layout, 'comfy');
      const keys = [...off.toOfficial.keys()].sort();
      assert.equal(keys.length, 69);
      assert.deepEqual([...dif.toOfficial.keys()].sort(), keys);
      assert.deepEqual([...com.toOfficial.keys()].sort(), keys);
      assert.equal(com.toOfficial.get('head.modulation'), 'model.diffusion_model.head.modulation');
      assert.equal(dif.toOfficial.get('blocks.1.norm3.weight'), 'blocks.1.norm2.weight');
      for (const k of keys) {
        const a = off.locate(k);
        const b = dif.locate(k);
        const c = com.locate(k);
        assert.deepEqual(b.info.shape, a.info.shape, k);
        assert.deepEqual(c.info.shape, a.info.shape, k);
        const raw = await a.file.readRaw(a.key);
        assert.ok(raw.equals(await b.file.readRaw(b.key)), `diffusers bytes of ${k}`);
        assert.ok(raw.equals(await c.file.readRaw(c.key)), `comfy bytes of ${k}`);
      }
      const want = pickConfigFields(goldenConfig('dit_t2v'));
      assert.deepEqual(off.config, want);
      assert.deepEqual(dif.config, want); // diffusers names converted (heads × head_dim, in_channels, …)
      assert.deepEqual(com.config, want);
    } finally {
      await Promise.all([off.close(), dif.close(), com.close()]);
    }
  });

  test('the diffusers rename rules reproduce the published mapping, norm2/norm3 swap included', () => {
    const m = JSON.parse(readFileSync(join(GOLDEN_DIR, 'dit_t2v_diffusers', 'manifest.json'), 'utf8')) as {
      key_mapping_official_to_diffusers: Record<string, string>;
    };
    const entries = Object.entries(m.key_mapping_official_to_diffusers);
    assert.ok(entries.length > 60);
    for (const [official, diffusers] of entries)
      assert.equal(diffusersToOfficial(diffusers), official, diffusers);
    assert.equal(diffusersToOfficial('blocks.0.norm2.weight'), 'blocks.0.norm3.weight');
    assert.equal(diffusersToOfficial('blocks.0.attn1.to_out.1.weight'), undefined);
  });

  test('bf16, i2v and ti2v checkpoints', async () => {
    for (const [c, type, inDim, outDim] of [
      ['dit_t2v_bf16', 't2v', 16, 16],
      ['dit_i2v', 'i2v', 36, 16],
      ['dit_ti2v', 'ti2v', 48, 48],
    ] as const) {
      const ck = await dit(weights(c));
      assert.equal(ck.config.model_type, type);
      assert.equal(ck.config.in_dim, inDim);
      assert.equal(ck.config.out_dim, outDim);
      assert.deepEqual(ck.config, pickConfigFields(goldenConfig(c)));
      await ck.close();
    }
  });

  test('without config.json: everything but heads and text_len comes from the shapes', async () => {
    const dir = join(work, 'noconfig');
    mkdirSync(dir);
    for (const c of ['dit_t2v', 'dit_i2v', 'dit_ti2v']) {
      const p = join(dir, `${c}.safetensors`);
      copyFileSync(weights(c), p);
      // dim 64 is no Wan release and not a multiple of 128: heads must come from a config
      await assert.rejects(
        inspectCheckpoint(p),
        (e: unknown) =>
          e instanceof SafetensorsError &&
          /num_heads/.test(e.message) &&
          /config\.json/.test(e.message) &&
          e.message.includes(p),
      );
      const ck = await dit(p, { config: { num_heads: 2 } });
      const want = { ...pickConfigFields(goldenConfig(c)), text_len: 512 };
      assert.deepEqual(ck.config, want, c);
      assert.equal(ck.configSource, 'the given config');
      await ck.close();
    }
  });

  test('shape disagreeing with config.json names file, tensor, expected and actual', async () => {
    const dir = join(work, 'badcfg');
    mkdirSync(dir);
    const p = join(dir, 'weights.safetensors');
    copyFileSync(weights('dit_t2v'), p);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...goldenConfig('dit_t2v'), ffn_dim: 256 }));
    await assert.rejects(inspectCheckpoint(p), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError);
      assert.equal(e.tensor, 'blocks.0.ffn.0.weight');
      assert.ok(e.message.includes(p));
      assert.match(
        e.message,
        /"blocks.0.ffn.0.weight" has shape \[128, 64\], but the config .* expects \[256, 64\]/,
      );
      return true;
    });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...goldenConfig('dit_t2v'), num_layers: 3 }));
    await assert.rejects(inspectCheckpoint(p), /required by the config .* missing: "blocks.2.modulation"/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...goldenConfig('dit_t2v'), num_heads: 3 }));
    await assert.rejects(inspectCheckpoint(p), /dim 64 is not divisible by num_heads 3/);
    writeFileSync(join(dir, 'config.json'), '{ not json');
    await assert.rejects(inspectCheckpoint(p), /config\.json: cannot read config/);
  });

  test('a VAE config.json next to DiT weights is ignored, a wrong expected kind is refused', async () => {
    const dir = join(work, 'mixed');
    mkdirSync(dir);
    const p = join(dir, 'dit.safetensors');
    copyFileSync(weights('dit_t2v'), p);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ z_dim: 16, dim: 96 }));
    await assert.rejects(inspectCheckpoint(p), /num_heads/); // fell back to shapes, not to the VAE dim
    await assert.rejects(
      inspectCheckpoint(p, { expectKind: 'vae', config: { num_heads: 2 } }),
      /diffusion model \(DiT\) checkpoint, but a VAE was expected/,
    );
  });
});

/** Synthetic official key → shape table for a config. */
function shapesFor(cfg: WanDitConfig): Map<string, number[]> {
  return expectedDitShapes(cfg);
}
const base: WanDitConfig = {
  model_type: 't2v',
  patch_size: [1, 2, 2],
  text_len: 512,
  in_dim: 16,
  dim: 1536,
  ffn_dim: 8960,
  freq_dim: 256,
  text_dim: 4096,
  out_dim: 16,
  num_heads: 12,
  num_layers: 3,
  window_size: [-1, -1],
  qk_norm: true,
  cross_attn_norm: true,
  eps: 1e-6,
};
function inferFrom(cfg: WanDitConfig): WanDitConfig {
  const shapes = shapesFor(cfg);
  return inferDitConfig({
    file: 'x.safetensors',
    toOfficial: new Map([...shapes.keys()].map((k) => [k, k])),
    shapeOf: (k) => shapes.get(k)!,
  });
}

describe('config inference from shapes (synthetic)', () => {
  test('known Wan sizes give their head counts', () => {
    assert.deepEqual(inferFrom(base), base);
    assert.equal(inferFrom({ ...base, dim: 5120, num_heads: 40, ffn_dim: 13824 }).num_heads, 40);
    const ti2v = inferFrom({ ...base, dim: 3072, num_heads: 24, in_dim: 48, out_dim: 48, ffn_dim: 14336 });
    assert.equal(ti2v.num_heads, 24);
    assert.equal(ti2v.model_type, 'ti2v');
    assert.equal(inferFrom({ ...base, in_dim: 36 }).model_type, 'i2v');
    assert.equal(inferFrom({ ...base, dim: 1024, num_heads: 8 }).num_heads, 8); // head_dim 128 fallback
  });
  test('no qk norm / no cross-attn norm are read from missing keys', () => {
    const c = inferFrom({ ...base, qk_norm: false, cross_attn_norm: false });
    assert.equal(c.qk_norm, false);
    assert.equal(c.cross_attn_norm, false);
  });
});

describe('layout detection errors (synthetic key lists)', () => {
  const official = [...expectedDitShapes(base).keys()];
  test('mixed official and diffusers names', () => {
    assert.throws(
      () => detectDitLayout('m.safetensors', [...official, 'blocks.0.attn1.to_q.weight']),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        /mixed key layout/.test(e.message) &&
        e.message.includes('"blocks.0.attn1.to_q.weight"') &&
        e.message.startsWith('m.safetensors'),
    );
  });
  test('prefix on some keys only', () => {
    assert.throws(
      () => detectDitLayout('m.safetensors', [`model.diffusion_model.${official[0]}`, official[1]]),
      /carry the ComfyUI prefix .* do not, e.g. "patch_embedding.bias"/,
    );
  });
  test('comfy all-in-one files may carry other components', () => {
    const r = detectDitLayout('m.safetensors', [
      ...official.map((k) => `model.diffusion_model.${k}`),
      'first_stage_model.decoder.conv1.weight',
    ]);
    assert.equal(r.layout, 'comfy');
    assert.equal(r.toOfficial.size, official.length);
  });
  test('unknown keys are listed', () => {
    assert.throws(
      () => detectDitLayout('m.safetensors', [...official, 'lora_A.weight', 'foo.bar']),
      /unexpected tensor names .*"lora_A.weight", "foo.bar"/,
    );
  });
  test('Wan 2.1 I2V with CLIP is refused clearly', () => {
    assert.throws(
      () => detectDitLayout('m.safetensors', [...official, 'img_emb.proj.0.weight']),
      /CLIP image branch .* not supported/,
    );
    assert.throws(
      () => detectDitLayout('m.safetensors', ['condition_embedder.image_embedder.ff.net.0.proj.weight']),
      /CLIP/,
    );
  });
});

describe('sharded checkpoints', { skip }, () => {
  test('an index.json with two shards is read as one checkpoint', async () => {
    const dir = join(work, 'sharded');
    mkdirSync(dir);
    const ck = await dit(weights('dit_t2v_diffusers'));
    const a: Record<string, WritableTensor> = {};
    const b: Record<string, WritableTensor> = {};
    const weightMap: Record<string, string> = {};
    let i = 0;
    for (const [key, info] of ck.file.tensors) {
      const t: WritableTensor = {
        dtype: info.dtype,
        shape: info.shape,
        data: new Uint8Array(await ck.file.readRaw(key)),
      };
      const shard = i++ % 2 === 0 ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors';
      (shard.includes('00001') ? a : b)[key] = t;
      weightMap[key] = shard;
    }
    await ck.close();
    await writeSafetensors(join(dir, 'model-00001-of-00002.safetensors'), a);
    await writeSafetensors(join(dir, 'model-00002-of-00002.safetensors'), b);
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );
    copyFileSync(join(GOLDEN_DIR, 'dit_t2v_diffusers', 'config.json'), join(dir, 'config.json'));
    for (const entry of ['model.safetensors.index.json', 'model-00002-of-00002.safetensors']) {
      const s = await dit(join(dir, entry));
      assert.equal(s.files.length, 2);
      assert.equal(s.layout, 'diffusers');
      assert.equal(s.toOfficial.size, 69);
      assert.deepEqual(s.config, pickConfigFields(goldenConfig('dit_t2v')));
      const loc = s.locate('blocks.1.norm3.weight');
      assert.equal(loc.key, 'blocks.1.norm2.weight');
      assert.equal(loc.file.path, join(dir, weightMap['blocks.1.norm2.weight']));
      await s.close();
    }
  });
});
