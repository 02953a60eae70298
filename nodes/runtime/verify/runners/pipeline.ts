/**
 * Verify runner for the pipeline golden cases (manifest kind 'pipeline': pipe_t2v_moe,
 * pipe_i2v_moe, pipe_ti2v with its `t2v.` / `i2v.` branches). Runs the project's umT5, DiT,
 * sampler and VAE from the case's model folders through the same denoising loop as the Wan
 * Sampler node, with the stored token ids, noise and image, and returns every recorded tensor.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../../sdk';
import type { SafetensorsFile } from '../../safetensors/reader';
import { buildSchedule } from '../../samplers/schedule';
import { SAMPLER_KINDS, type SamplerKind } from '../../samplers/stepper';
import { loadWanDit, type WanDit } from '../../wan/dit/model';
import { loadUmt5 } from '../../wan/t5/encoder';
import { loadWanVae, type WanVae } from '../../wan/vae/vae';
import { expandMask } from '../../wan/pipeline/conditioning';
import { denoise, type Guidance, type ModelSlot, type StepRecord } from '../../wan/pipeline/denoise';
import { firstFrameConditioning, i2vConditioning } from '../../wan/pipeline/image-conditioning';
import { imageForVideo } from '../../wan/pipeline/image-prep';
import type { ActualTensor, CaseContext, CaseRunner } from '../types';

function verifyCacheDir(): string {
  return process.env.WAN_STUDIO_VERIFY_CACHE ?? join(tmpdir(), 'wan-studio-verify-cache');
}

const threads = (): number | undefined => Number(process.env.WAN_STUDIO_THREADS ?? 0) || undefined;

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

interface Params {
  steps: number;
  shift: number;
  guide: number | [number, number];
  boundary?: number;
  solver: SamplerKind;
  frames: number;
}

function paramsOf(ctx: CaseContext): Params {
  const p = (ctx.manifest as { params?: Record<string, unknown> }).params ?? {};
  const pc = (p.pipeline_config ?? {}) as Record<string, unknown>;
  const num = (v: unknown, what: string): number => {
    if (typeof v !== 'number') throw new Error(`${ctx.dir}/manifest.json: params.${what} must be a number.`);
    return v;
  };
  const g = p.guide_scale;
  const guide: number | [number, number] =
    Array.isArray(g) && g.length === 2
      ? [num(g[0], 'guide_scale[0]'), num(g[1], 'guide_scale[1]')]
      : num(g, 'guide_scale');
  const solver = (pc.sample_solver ?? 'unipc') as SamplerKind;
  if (!SAMPLER_KINDS.includes(solver))
    throw new Error(`${ctx.dir}: unknown sample_solver "${String(solver)}".`);
  return {
    steps: num(p.steps, 'steps'),
    shift: num(p.shift, 'shift'),
    guide,
    ...(p.boundary !== undefined ? { boundary: num(p.boundary, 'boundary') } : {}),
    solver,
    frames: num(p.frame_num, 'frame_num'),
  };
}

async function tensor(io: SafetensorsFile, name: string): Promise<Tensor> {
  return { dims: [...io.info(name).shape], data: await io.readF32(name) };
}

/** A slot over an already loaded DiT (the runner keeps both experts loaded). */
const slotOf = (key: string, dit: WanDit): ModelSlot => ({
  key,
  acquire: () => Promise.resolve(dit),
  release: () => Promise.resolve(),
});

/** Stacks per-step arrays into one [steps, ...] array. */
function stack(rows: Float32Array[]): Float32Array {
  const per = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * per);
  rows.forEach((r, i) => out.set(r, i * per));
  return out;
}

/** Latent frame 0 of [C, F, H, W]. */
function frame0(x: Float32Array, dims: readonly number[]): Float32Array {
  const [C, F, H, W] = dims;
  const plane = H * W;
  const out = new Float32Array(C * plane);
  for (let c = 0; c < C; c++) out.set(x.subarray(c * F * plane, c * F * plane + plane), c * plane);
  return out;
}

interface Branch {
  prefix: string;
  models: Record<'high' | 'low', WanDit> | { single: WanDit };
  t5Dir: string;
  vae: WanVae;
}

async function runBranch(
  ctx: CaseContext,
  b: Branch,
  prm: Params,
  out: Map<string, ActualTensor>,
): Promise<void> {
  const io = ctx.io;
  const k = (n: string): string => b.prefix + n;
  const set = (n: string, v: ActualTensor): void => void out.set(k(n), v);

  // Text: both prompts in one batch, full outputs and the trimmed contexts the DiT receives.
  const t5 = await loadUmt5(join(b.t5Dir, 'weights.safetensors'), {
    config: (await readJson(join(b.t5Dir, 'config.json'))) as Record<string, unknown>,
    cacheDir: verifyCacheDir(),
    threads: threads(),
  });
  let cond: Tensor;
  let uncond: Tensor;
  try {
    const L = io.info(k('prompt_ids')).shape[0];
    const ids = new BigInt64Array(2 * L);
    const mask = new BigInt64Array(2 * L);
    ids.set(await io.readI64(k('prompt_ids')), 0);
    ids.set(await io.readI64(k('neg_ids')), L);
    mask.set(await io.readI64(k('prompt_mask')), 0);
    mask.set(await io.readI64(k('neg_mask')), L);
    const full = await t5.encode(ids, mask, [2, L]);
    const half = full.data.length / 2;
    set('t5_out_prompt', full.data.slice(0, half));
    set('t5_out_neg', full.data.slice(half));
    [cond, uncond] = (await t5.encodeTrimmed(ids, mask, [2, L])) as [Tensor, Tensor];
    set('context_cond', cond.data);
    set('context_null', uncond.data);
  } finally {
    await t5.dispose();
  }

  const noise = await tensor(io, k('noise'));
  const dims = noise.dims as [number, number, number, number];
  const [, F, h, w] = dims;
  const schedule = buildSchedule(prm.solver, { steps: prm.steps, shift: prm.shift });
  set(
    'timesteps',
    BigInt64Array.from(schedule.timesteps, (t) => BigInt(t)),
  );
  set('sigmas', schedule.sigmas);

  // Image conditioning.
  const extra: { y?: Tensor; firstFrame?: Tensor; mask?: Tensor } = {};
  if (io.has(k('image_u8'))) {
    const u8 = io.info(k('image_u8'));
    const [ih, iw] = u8.shape.slice(-3, -1) as [number, number];
    const raw = await io.readRaw(k('image_u8'));
    const images = { kind: 'image' as const, width: iw, height: ih, count: 1, data: new Uint8Array(raw) };
    const [, hs, ws] = b.vae.stride;
    const image = imageForVideo(images, w * ws, h * hs);
    if ('single' in b.models) {
      const c = await firstFrameConditioning(b.vae, image, F);
      Object.assign(extra, c);
      set('z', c.firstFrame.data);
      set('mask2', expandMask(c.mask, dims[0]).data);
    } else {
      const c = await i2vConditioning(b.vae, image, prm.frames);
      extra.y = c.y;
      set('y', c.y.data);
      set('mask', c.mask.data);
    }
  }

  let guidance: Guidance;
  if ('single' in b.models) {
    if (typeof prm.guide !== 'number') throw new Error(`${ctx.dir}: one model needs one guide scale.`);
    guidance = { kind: 'single', model: slotOf('model', b.models.single), scale: prm.guide };
  } else {
    if (prm.boundary === undefined) throw new Error(`${ctx.dir}: params.boundary is missing.`);
    const g = typeof prm.guide === 'number' ? ([prm.guide, prm.guide] as [number, number]) : prm.guide;
    guidance = {
      kind: 'moe',
      high: slotOf('high', b.models.high),
      low: slotOf('low', b.models.low),
      boundary: prm.boundary,
      scales: g,
      releaseIdle: false,
    };
  }

  const rec: StepRecord[] = [];
  const anyModel = 'single' in b.models ? b.models.single : b.models.high;
  const [p0, p1, p2] = anyModel.config.patch_size;
  const tokens = (F / p0) * (h / p1) * (w / p2);
  const final = await denoise({
    solver: prm.solver,
    schedule,
    dims,
    noise: noise.data,
    cond,
    uncond,
    ...extra,
    guidance,
    onStep: (r) => void rec.push(r),
  });
  set('noise_pred_cond', stack(rec.map((r) => r.cond)));
  set('noise_pred_uncond', stack(rec.map((r) => r.uncond)));
  set('latents', stack(rec.map((r) => r.latent)));
  set('final_latent', final);
  if (guidance.kind === 'moe') {
    set(
      'expert_high',
      Int32Array.from(rec, (r) => (r.expert === 'high' ? 1 : 0)),
    );
    set(
      'guide_scale',
      Float32Array.from(rec, (r) => r.scale),
    );
  } else {
    set(
      'model_t',
      stack(
        rec.map((r) => (typeof r.modelT === 'number' ? new Float32Array(tokens).fill(r.modelT) : r.modelT)),
      ),
    );
    if (extra.firstFrame) set('latents_raw_frame0', stack(rec.map((r) => frame0(r.raw, dims))));
  }
  const video = await b.vae.decode({ dims: [...dims], data: final });
  set('video', video.data);
}

export const run: CaseRunner = async (ctx: CaseContext) => {
  const prm = paramsOf(ctx);
  const dir = ctx.dir;
  const load = async (sub: string): Promise<WanDit> =>
    loadWanDit(join(dir, sub, 'weights.safetensors'), {
      config: await readJson(join(dir, sub, 'config.json')),
      cacheDir: verifyCacheDir(),
      threads: threads(),
    });
  const vaeDir = join(dir, 'vae');
  const vae = await loadWanVae(join(vaeDir, 'weights.safetensors'), {
    config: await readJson(join(vaeDir, 'config.json')),
    cacheDir: verifyCacheDir(),
    threads: threads(),
  });
  const loaded: WanDit[] = [];
  const out = new Map<string, ActualTensor>();
  try {
    let models: Branch['models'];
    if (existsSync(join(dir, 'expert_high'))) {
      const high = await load('expert_high');
      loaded.push(high);
      const low = await load('expert_low');
      loaded.push(low);
      models = { high, low };
    } else {
      const single = await load('model');
      loaded.push(single);
      models = { single };
    }
    const prefixes = ['t2v.', 'i2v.'].filter((p) => ctx.io.has(`${p}noise`));
    for (const prefix of prefixes.length > 0 ? prefixes : ['']) {
      await runBranch(ctx, { prefix, models, t5Dir: join(dir, 't5'), vae }, prm, out);
    }
  } finally {
    for (const m of loaded) await m.dispose();
    await vae.dispose();
  }
  return out;
};
