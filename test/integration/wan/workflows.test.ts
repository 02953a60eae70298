/**
 * Whole Wan workflows on tiny random models through the real Engine, model folders and
 * video.out: T2V with two experts, I2V (A14B-style y conditioning), TI2V (first-frame latent),
 * each to an MP4 checked with ffprobe; the expert switch at the boundary step, the idle expert's
 * release from the model pool, cancellation within a step, and the 4n+1 frames check.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../nodes/engine/engine';
import type { EngineEvent } from '../../../nodes/engine/events';
import { createRegistry } from '../../../nodes/host/engine-factory';
import { encodePngRgb } from '../../../nodes/runtime/image/png';
import { buildSchedule } from '../../../nodes/runtime/samplers/schedule';
import { chooseExpert } from '../../../nodes/runtime/samplers/guidance';
import type { WorkflowDocument } from '../../../workflows/schema';
import { modelKey, runtimeFromSettings } from '../../../nodes/runtime/wan/pipeline/models';
import { doc, tinyDitConfig, writeModelRoot, writeTinyDit, type Values } from './fixtures';

let dir: string;
let engine: Engine;
let models: string;
let settings: Record<string, unknown>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wan-flows-'));
  models = join(dir, 'models');
  await writeModelRoot(models);
  const dm = join(models, 'diffusion_models');
  await writeTinyDit(join(dm, 't2v_high'), 'high', tinyDitConfig('t2v'), { seed: 101 });
  await writeTinyDit(join(dm, 't2v_low'), 'low', tinyDitConfig('t2v'), { seed: 102, dtype: 'BF16' });
  await writeTinyDit(join(dm, 'i2v_high'), 'high', tinyDitConfig('i2v'), {
    seed: 201,
    layout: 'comfy',
    dtype: 'F16',
  });
  await writeTinyDit(join(dm, 'i2v_low'), 'low', tinyDitConfig('i2v'), { seed: 202, layout: 'diffusers' });
  await writeTinyDit(join(dm, 'ti2v'), 'ti2v_5b', tinyDitConfig('ti2v'), { seed: 301 });
  const input = join(dir, 'input');
  mkdirSync(input);
  // an 80×48 gradient; Image to Video covers 32×64 / 96×64 with it
  const w = 80;
  const h = 48;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rgb.set([(x * 3) % 256, (y * 5) % 256, 128], (y * w + x) * 3);
  writeFileSync(join(input, 'start.png'), encodePngRgb(rgb, w, h));
  settings = { executionProvider: 'cpu', threads: 1, onnxCacheDir: join(dir, 'onnx') };
  engine = new Engine({
    registry: createRegistry(),
    outputDir: join(dir, 'out'),
    diskCache: false,
    tempRoot: join(dir, 'tmp'),
    folders: {
      diffusion_models: [dm],
      text_encoders: [join(models, 'text_encoders')],
      vae: [join(models, 'vae')],
      tokenizers: [join(models, 'tokenizers')],
      images: [input],
    },
    settings,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});

after(async () => {
  await engine.models.releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

const common = (vae: string): Record<string, [string, Values]> => ({
  te: ['wan.load_text_encoder', { text_encoder: 'tiny-umt5/umt5.safetensors', tokenizer: 'umt5-xxl' }],
  vae: ['wan.load_vae', { vae }],
  prompt: ['wan.text_encode', { prompt: 'the red car sat on the mat' }], // default negative prompt
  decode: ['wan.vae_decode', {}],
  video: ['video.out', { fps: 16, format: 'mp4' }],
});
const commonEdges: Array<[string, string, string, string]> = [
  ['te', 'text_encoder', 'prompt', 'text_encoder'],
  ['prompt', 'conditioning', 'sampler', 'positive'],
  ['latent', 'latent', 'sampler', 'latent'],
  ['sched', 'schedule', 'sampler', 'schedule'],
  ['vae', 'vae', 'latent', 'vae'],
  ['vae', 'vae', 'decode', 'vae'],
  ['sampler', 'latent', 'decode', 'latent'],
  ['decode', 'images', 'video', 'images'],
];

function t2vDoc(frames: number, steps = 6): WorkflowDocument {
  return doc(
    {
      ...common('tiny_wan21_vae.safetensors'),
      high: ['wan.load_diffusion_model', { model: 't2v_high/high.safetensors' }],
      low: ['wan.load_diffusion_model', { model: 't2v_low/low.safetensors' }],
      experts: ['wan.expert_switch', { boundary: 0.875, guide_high: 4, guide_low: 3, release_idle: true }],
      latent: ['wan.empty_latent', { width: 64, height: 64, frames }],
      sched: ['wan.flow_scheduler', { solver: 'unipc', steps, shift: 12 }],
      sampler: ['wan.sampler', { seed: 42 }],
    },
    [
      ...commonEdges,
      ['high', 'model', 'experts', 'high'],
      ['low', 'model', 'experts', 'low'],
      ['experts', 'experts', 'sampler', 'experts'],
    ],
  );
}

function probe(path: string): { frames: number; width: number; height: number; codec: string } {
  const r = spawnSync(
    '/usr/bin/ffprobe',
    ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', path],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const s = (JSON.parse(r.stdout) as { streams: Array<Record<string, unknown>> }).streams[0];
  return {
    frames: Number(s.nb_read_frames),
    width: Number(s.width),
    height: Number(s.height),
    codec: String(s.codec_name),
  };
}

async function run(d: WorkflowDocument, onEvent?: (e: EngineEvent) => void, signal?: AbortSignal) {
  const events: EngineEvent[] = [];
  const result = await engine.run(d, { onEvent: (e) => (events.push(e), onEvent?.(e)), signal });
  return { result, events };
}

describe('Wan workflows through the engine', () => {
  test('T2V with two experts → MP4; the switch happens at the boundary step and frees the high-noise expert', async () => {
    const { result, events } = await run(t2vDoc(9));
    assert.ok(result.ok, result.error?.message);
    const mp4 = result.outputs.find((o) => o.node === 'video')!;
    assert.deepEqual(probe(mp4.path), { frames: 9, width: 64, height: 64, codec: 'h264' });

    const steps = events.filter(
      (e): e is Extract<EngineEvent, { type: 'progress' }> =>
        e.type === 'progress' && e.node === 'sampler' && !e.message!.startsWith('loading'),
    );
    const ts = buildSchedule('unipc', { steps: 6, shift: 12 }).timesteps;
    const want = [...ts].map((t) =>
      chooseExpert(t, 0.875) === 'high' ? 'high-noise expert' : 'low-noise expert',
    );
    assert.deepEqual(
      steps.map((e) => e.message),
      want,
    );
    assert.deepEqual(
      steps.map((e) => e.step),
      [1, 2, 3, 4, 5, 6],
    );
    assert.ok(want.includes('high-noise expert') && want.includes('low-noise expert'));
    const loading = events.filter(
      (e) => e.type === 'progress' && e.node === 'sampler' && e.message!.startsWith('loading'),
    );
    assert.deepEqual(
      loading.map((e) => (e as { message: string }).message),
      ['loading high-noise expert', 'loading low-noise expert'],
    );
    const p = steps[0].preview!;
    assert.deepEqual([p.width, p.height, p.count], [8, 8, 1]);

    const rt = runtimeFromSettings(settings);
    const dm = join(models, 'diffusion_models');
    const highKey = modelKey('wan-dit', join(dm, 't2v_high', 'high.safetensors'), rt);
    const lowKey = modelKey('wan-dit', join(dm, 't2v_low', 'low.safetensors'), rt);
    assert.equal(engine.models.has(highKey), false, 'the idle high-noise expert was released');
    assert.equal(engine.models.has(lowKey), true);
  });

  test('I2V (A14B conditioning, 20-channel y) → MP4 of the requested size', async () => {
    const d = doc(
      {
        ...common('tiny_wan21_vae.safetensors'),
        image: ['image.load', { image: 'start.png' }],
        high: ['wan.load_diffusion_model', { model: 'i2v_high/high.safetensors' }],
        low: ['wan.load_diffusion_model', { model: 'i2v_low/low.safetensors' }],
        experts: [
          'wan.expert_switch',
          { boundary: 0.9, guide_high: 3.5, guide_low: 3.5, release_idle: false },
        ],
        latent: ['wan.image_to_video', { width: 32, height: 64, frames: 9 }],
        sched: ['wan.flow_scheduler', { solver: 'unipc', steps: 4, shift: 5 }],
        sampler: ['wan.sampler', { seed: 43 }],
      },
      [
        ...commonEdges,
        ['image', 'image', 'latent', 'image'],
        ['high', 'model', 'experts', 'high'],
        ['low', 'model', 'experts', 'low'],
        ['experts', 'experts', 'sampler', 'experts'],
      ],
    );
    const { result } = await run(d);
    assert.ok(result.ok, result.error?.message);
    assert.deepEqual(probe(result.outputs[0].path), { frames: 9, width: 32, height: 64, codec: 'h264' });
    // release_idle off: both experts stay resident
    const ditKeys = engine.models.keys().filter((k) => k.startsWith('wan-dit:'));
    assert.equal(ditKeys.filter((k) => k.includes('i2v_')).length, 2);
  });

  test('TI2V (first-frame latent, one model) → MP4', async () => {
    const d = doc(
      {
        ...common('tiny_wan22_vae.safetensors'),
        image: ['image.load', { image: 'start.png' }],
        model: ['wan.load_diffusion_model', { model: 'ti2v/ti2v_5b.safetensors' }],
        latent: ['wan.image_to_video', { width: 96, height: 64, frames: 9 }],
        sched: ['wan.flow_scheduler', { solver: 'unipc', steps: 4, shift: 5 }],
        sampler: ['wan.sampler', { seed: 44, guidance: 5 }],
      },
      [...commonEdges, ['image', 'image', 'latent', 'image'], ['model', 'model', 'sampler', 'model']],
    );
    const { result, events } = await run(d);
    assert.ok(result.ok, result.error?.message);
    assert.deepEqual(probe(result.outputs[0].path), { frames: 9, width: 96, height: 64, codec: 'h264' });
    const msgs = events
      .filter((e) => e.type === 'progress' && e.node === 'sampler')
      .map((e) => (e as { message: string }).message);
    assert.deepEqual(msgs.slice(-4), ['denoising', 'denoising', 'denoising', 'denoising']);
  });

  test('cancelling during sampling stops within one step and writes no video', async () => {
    const ac = new AbortController();
    let after = 0;
    const { result } = await run(
      t2vDoc(9, 8),
      (e) => {
        if (e.type !== 'progress' || e.node !== 'sampler' || e.message!.startsWith('loading')) return;
        if (ac.signal.aborted) after++;
        else if (e.step === 2) ac.abort();
      },
      ac.signal,
    );
    assert.equal(result.ok, false);
    assert.equal(result.error?.code, 'cancelled');
    assert.equal(after, 0);
    const mp4s = readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.mp4'));
    assert.equal(mp4s.length, 3, 'only the three finished runs wrote videos');
  });

  test('Empty Video Latent refuses 80 frames with a clear message', async () => {
    const { result } = await run(t2vDoc(80));
    assert.equal(result.ok, false);
    assert.match(result.error!.message, /frames must be 4n\+1 \(…, 77, 81, 85 …\); got 80/);
  });

  test('the sampler needs exactly one of model and experts', async () => {
    const d = t2vDoc(9);
    d.nodes.model = {
      type: 'wan.load_diffusion_model',
      version: 1,
      position: { x: 0, y: 0 },
      values: { model: 't2v_low/low.safetensors' },
    };
    d.edges.push({
      id: 'extra',
      from: { node: 'model', output: 'model' },
      to: { node: 'sampler', input: 'model' },
    });
    const { result } = await run(d);
    assert.equal(result.ok, false);
    assert.match(result.error!.message, /connect a model or experts, not both/);
  });
});
