/**
 * Load Diffusion Model over every key layout (official, diffusers, ComfyUI prefix) and weight
 * dtype (F32, F16, BF16): the node reads the layout, config and dtype, and the loaded model
 * computes the same prediction (exactly for F32 renamings, within rounding for F16/BF16).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineModelPool } from '../../../nodes/engine/model-pool';
import { wanLoadDiffusionModel } from '../../../nodes/defs/wan-load-diffusion-model';
import { wanLoadVae } from '../../../nodes/defs/wan-load-vae';
import { diffusersToOfficial } from '../../../nodes/runtime/wan/layout/dit-keys';
import { expectHandle, type WanModelHandle } from '../../../nodes/runtime/wan/pipeline/handles';
import { acquireDit } from '../../../nodes/runtime/wan/pipeline/models';
import { randn } from '../../../nodes/runtime/samplers/noise';
import type { StDtype } from '../../../nodes/runtime/safetensors/dtypes';
import { officialToDiffusers, tinyDitConfig, writeTinyDit, writeTinyVae, type Layout } from './fixtures';
import { testContext } from './context';

let dir: string;
const pool = new EngineModelPool();
const settings = { executionProvider: 'cpu', threads: 1, onnxCacheDir: '' };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'wan-loaders-'));
  settings.onnxCacheDir = join(dir, 'onnx-cache');
});
after(async () => {
  await pool.releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

const cfg = tinyDitConfig('t2v');
const x = { dims: [16, 2, 4, 4], data: randn(5, 16 * 2 * 16) };
const context = { dims: [5, 32], data: randn(6, 5 * 32) };

async function loadAndRun(
  layout: Layout,
  dtype: StDtype,
): Promise<{ handle: WanModelHandle; out: Float32Array }> {
  const path = await writeTinyDit(join(dir, `${layout}-${dtype}`), 'model', cfg, { layout, dtype, seed: 3 });
  const ctx = testContext({ models: pool, settings });
  const { model } = await wanLoadDiffusionModel.execute({ model: path }, ctx);
  const handle = expectHandle('MODEL', model, 'test', 'model');
  const dit = await acquireDit(pool, handle);
  const out = await dit.forward({ x, t: 500, context });
  return { handle, out: out.data };
}

const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('Load Diffusion Model', () => {
  test('the diffusers renaming used by the fixtures is the inverse of the loader’s', () => {
    for (const k of [
      'blocks.1.norm3.weight',
      'blocks.0.self_attn.o.bias',
      'head.modulation',
      'time_projection.1.weight',
      'blocks.0.ffn.0.weight',
    ])
      assert.equal(diffusersToOfficial(officialToDiffusers(k)), k);
  });

  test('every layout and dtype loads and predicts the same velocity', async () => {
    const ref = await loadAndRun('official', 'F32');
    assert.equal(ref.handle.layout, 'official');
    assert.equal(ref.handle.dtype, 'F32');
    assert.deepEqual(ref.handle.config, cfg);
    const scale = ref.out.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(scale > 0.1 && Number.isFinite(scale));
    for (const layout of ['official', 'diffusers', 'comfy'] as const) {
      for (const dtype of ['F32', 'F16', 'BF16'] as const) {
        if (layout === 'official' && dtype === 'F32') continue;
        const r = await loadAndRun(layout, dtype);
        assert.equal(r.handle.layout, layout);
        assert.equal(r.handle.dtype, dtype);
        assert.deepEqual(r.handle.config, cfg);
        const d = maxDiff(r.out, ref.out);
        if (dtype === 'F32') assert.ok(d <= 1e-5 * scale, `${layout} ${dtype}: ${d}`);
        else {
          assert.ok(d > 0, `${layout} ${dtype}: rounded weights must change the output`);
          assert.ok(d < (dtype === 'F16' ? 0.01 : 0.1) * scale, `${layout} ${dtype}: ${d} of ${scale}`);
        }
      }
    }
    // one pool entry per file; a second acquire reuses it
    const keys = pool.keys().filter((k) => k.startsWith('wan-dit:'));
    assert.equal(keys.length, 9);
    assert.equal(await acquireDit(pool, ref.handle), await acquireDit(pool, ref.handle));
  });

  test('a file that is not a diffusion model is refused with its name', async () => {
    const vae = await writeTinyVae(join(dir, 'not-a-dit.safetensors'), '2.1');
    await assert.rejects(
      Promise.resolve(wanLoadDiffusionModel.execute({ model: vae }, testContext({ models: pool, settings }))),
      (e: Error) => e.message.includes('not-a-dit.safetensors') && /VAE/.test(e.message),
    );
    const { vae: handle } = await wanLoadVae.execute({ vae }, testContext({ models: pool, settings }));
    const h = expectHandle('VAE', handle, 'test', 'vae');
    assert.deepEqual([h.version, h.zDim, h.stride], ['2.1', 16, [4, 8, 8]]);
  });
});
