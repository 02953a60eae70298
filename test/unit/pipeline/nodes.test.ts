/** The Wan node definitions' own checks and outputs that need no model weights. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { wanNodes } from '../../../nodes/defs/wan-index';
import { allNodes } from '../../../nodes/defs/all';
import { wanEmptyLatent } from '../../../nodes/defs/wan-empty-latent';
import { wanExpertSwitch } from '../../../nodes/defs/wan-expert-switch';
import { wanFlowScheduler } from '../../../nodes/defs/wan-flow-scheduler';
import { checkModelFitsLatent, wanSampler } from '../../../nodes/defs/wan-sampler';
import type { VaeHandle, WanModelHandle } from '../../../nodes/runtime/wan/pipeline/handles';
import { fakeContext } from '../video/fake-context';

const vae21: VaeHandle = {
  kind: 'wan-vae',
  path: '/m/vae.safetensors',
  key: 'k',
  version: '2.1',
  zDim: 16,
  stride: [4, 8, 8],
  runtime: { ep: 'cpu', threads: 0 },
};
const model = (over: Partial<WanModelHandle['config']>, path = '/m/a.safetensors'): WanModelHandle => ({
  kind: 'wan-model',
  path,
  key: path,
  layout: 'official',
  dtype: 'BF16',
  runtime: { ep: 'cpu', threads: 0 },
  config: {
    model_type: 't2v',
    patch_size: [1, 2, 2],
    text_len: 512,
    in_dim: 16,
    dim: 5120,
    ffn_dim: 13824,
    freq_dim: 256,
    text_dim: 4096,
    out_dim: 16,
    num_heads: 40,
    num_layers: 40,
    window_size: [-1, -1],
    qk_norm: true,
    cross_attn_norm: true,
    eps: 1e-6,
    ...over,
  },
});

describe('Wan node definitions', () => {
  test('stable ids, version 1, Wan categories, registered in allNodes', () => {
    const ids = wanNodes.map((n) => n.id);
    assert.deepEqual(ids, [
      'wan.load_diffusion_model',
      'wan.load_text_encoder',
      'wan.load_vae',
      'wan.text_encode',
      'wan.empty_latent',
      'wan.image_to_video',
      'wan.flow_scheduler',
      'wan.expert_switch',
      'wan.sampler',
      'wan.vae_decode',
      'wan.vae_encode',
    ]);
    for (const n of wanNodes) {
      assert.equal(n.version, 1);
      assert.match(n.category, /^Wan\/(Loaders|Conditioning|Sampling|Latent)$/);
      assert.ok(allNodes.includes(n), n.id);
    }
    assert.equal(wanSampler.persist, true);
  });

  test('Empty Video Latent: zeros of the VAE latent shape; 80 frames refused', async () => {
    const ctx = await fakeContext();
    const { latent } = await wanEmptyLatent.execute({ vae: vae21, width: 832, height: 480, frames: 81 }, ctx);
    assert.deepEqual(latent.samples.dims, [16, 21, 60, 104]);
    assert.equal(latent.vae, 'wan2.1');
    assert.ok(latent.samples.data.every((v) => v === 0));
    assert.throws(() => wanEmptyLatent.execute({ vae: vae21, width: 832, height: 480, frames: 80 }, ctx), {
      message: 'frames must be 4n+1 (…, 77, 81, 85 …); got 80.',
    });
    assert.throws(
      () => wanEmptyLatent.execute({ vae: {}, width: 832, height: 480, frames: 81 }, ctx),
      /input "vae" must be a VAE \(from Load VAE\)/,
    );
    await ctx.dispose();
  });

  test('Flow Scheduler and Expert Switch', async () => {
    const ctx = await fakeContext();
    const { schedule } = wanFlowScheduler.execute(
      { solver: 'unipc', steps: 40, shift: 12, denoise: 1 },
      ctx,
    ) as {
      schedule: { solver: string; schedule: { timesteps: Float64Array } };
    };
    assert.equal(schedule.solver, 'unipc');
    assert.equal(schedule.schedule.timesteps[0], 999);
    assert.throws(
      () => wanFlowScheduler.execute({ solver: 'unipc', steps: 40, shift: 12, denoise: 0 }, ctx),
      /Denoise must be greater than 0/,
    );
    const { experts } = wanExpertSwitch.execute(
      {
        high: model({}),
        low: model({}, '/m/b.safetensors'),
        boundary: 0.875,
        guide_high: 4,
        guide_low: 3,
        release_idle: true,
      },
      ctx,
    ) as { experts: { guide: number[] } };
    assert.deepEqual(experts.guide, [3, 4]); // (low, high), as the official tuple
    assert.throws(
      () =>
        wanExpertSwitch.execute(
          {
            high: model({}),
            low: model({ model_type: 'i2v', in_dim: 36 }, '/m/b.safetensors'),
            boundary: 0.9,
            guide_high: 3.5,
            guide_low: 3.5,
            release_idle: true,
          },
          ctx,
        ),
      /do not belong together/,
    );
    await ctx.dispose();
  });

  test('the sampler names what does not fit between model, latent and text', async () => {
    const ctxT = { dims: [7, 4096], data: new Float32Array(7 * 4096) };
    assert.doesNotThrow(() => checkModelFitsLatent(model({}), [16, 21, 60, 104], undefined, [ctxT]));
    assert.throws(
      () => checkModelFitsLatent(model({}), [48, 31, 44, 80], undefined, [ctxT]),
      /latent has 48 channels .* makes 16; use the VAE/,
    );
    assert.throws(
      () =>
        checkModelFitsLatent(model({ model_type: 'i2v', in_dim: 36 }), [16, 21, 60, 104], undefined, [ctxT]),
      /image-to-video model .* Image to Video/,
    );
    assert.throws(
      () =>
        checkModelFitsLatent(model({}), [16, 21, 60, 104], undefined, [
          { dims: [7, 32], data: new Float32Array(224) },
        ]),
      /text conditioning has width 32 .* expects 4096/,
    );
    const ctx = await fakeContext();
    await assert.rejects(
      Promise.resolve().then(() =>
        wanSampler.execute(
          {
            positive: {},
            latent: { kind: 'latent', samples: { dims: [16, 1, 2, 2], data: new Float32Array(64) } },
            schedule: {},
            seed: 0,
            guidance: 5,
            model: undefined,
            experts: undefined,
            negative: undefined,
          },
          ctx,
        ),
      ),
      /connect either a model .* or experts/,
    );
    await ctx.dispose();
  });
});
