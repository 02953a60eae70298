/**
 * loadWanDit: the Wan 2.2 DiT on ONNX Runtime. Weights stay in the .safetensors / .pth file (external
 * data); two cached graphs (text K/V once per prompt, then one step graph per denoising call).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelPool, Tensor } from '../../../sdk';
import { cachedModel } from '../../onnx/cache';
import {
  acquireSession,
  ort,
  SimpleModelPool,
  sessionKey,
  type ExecutionProvider,
  type Session,
  type SessionOptions,
} from '../../onnx/session';
import type { WanDitConfig } from '../layout/dit-config';
import type { DitLayout } from '../layout/dit-keys';
import { openDit } from './config';
import {
  buildStepGraph,
  buildTextGraph,
  DIT_GRAPH_VERSION,
  textKName,
  textVName,
  type DitGraphOptions,
} from './graph';
import { modelInput, padContext, perTokenT, type DitInput, type Grid } from './inputs';
import { ropeTables, timestepSinusoid, uniqueTimesteps } from './tables';

export type { DitInput } from './inputs';

export interface LoadWanDitOptions {
  /** config.json contents (official WanModel or diffusers names). Default: config.json beside the weights, else inferred. */
  config?: unknown;
  ep?: ExecutionProvider;
  threads?: number;
  /** Folder for generated .onnx files (default: <tmpdir>/wan-studio-onnx-cache). */
  cacheDir?: string;
  /** Build with the dbg_* outputs (forwardDebug). */
  debug?: boolean;
  /** Use com.microsoft fused kernels (default true). */
  fused?: boolean;
  /** Skip ORT weight pre-packing (less memory, slower matmuls). */
  disablePrepacking?: boolean;
  /** Write ORT JSON profiles with this file prefix (ended by dispose()). */
  profilePrefix?: string;
  /** Session pool (the engine's ctx.models); default: a private one released by dispose(). */
  pool?: ModelPool;
  log?: (msg: string) => void;
}

export interface WanDit {
  readonly config: WanDitConfig;
  readonly layout: DitLayout;
  /** Provider actually in use by the step graph. */
  readonly ep: ExecutionProvider;
  /** Velocity prediction [out_dim, F, H, W] for one sample. */
  forward(input: DitInput): Promise<Tensor>;
  /** Several samples (e.g. cond + uncond) in one run; same latent size for all. */
  forwardBatch(inputs: DitInput[]): Promise<Tensor[]>;
  /** forward plus the debug tensors in the golden layout (needs `debug: true` at load). */
  forwardDebug(input: DitInput): Promise<{ out: Tensor; debug: Map<string, Tensor> }>;
  dispose(): Promise<void>;
}

const T = (data: Float32Array, dims: number[]): Tensor => ({ data, dims });

export async function loadWanDit(weightsPath: string, opts: LoadWanDitOptions = {}): Promise<WanDit> {
  const opened = await openDit(weightsPath, opts.config);
  const { config: c, file, keyOf, layout } = opened;
  const graphOpts: DitGraphOptions = { debug: opts.debug ?? false, fused: opts.fused ?? true };
  const cacheDir = opts.cacheDir ?? join(tmpdir(), 'wan-studio-onnx-cache');
  let step: Session;
  let text: Session;
  const pool = opts.pool ?? new SimpleModelPool();
  const keys: string[] = [];
  try {
    const common = { cacheDir, weightFiles: [file.path], log: opts.log };
    const key = { model: 'wan-dit', v: DIT_GRAPH_VERSION, config: c, layout, ...graphOpts };
    const stepModel = await cachedModel({
      ...common,
      key: { ...key, graph: 'step' },
      build: () => buildStepGraph(file, keyOf, c, graphOpts),
    });
    const textModel = await cachedModel({
      ...common,
      key: { ...key, graph: 'text', debug: false },
      build: () => buildTextGraph(file, keyOf, c, graphOpts),
    });
    const sOpts: SessionOptions = {
      ep: opts.ep,
      threads: opts.threads,
      disablePrepacking: opts.disablePrepacking,
      profilePrefix: opts.profilePrefix,
      log: opts.log,
    };
    step = await acquireSession(pool, stepModel.path, sOpts);
    keys.push(sessionKey(stepModel.path, sOpts));
    text = await acquireSession(pool, textModel.path, sOpts);
    keys.push(sessionKey(textModel.path, sOpts));
  } catch (e) {
    for (const k of keys) await pool.release(k);
    await file.close();
    throw e;
  }

  const headDim = c.dim / c.num_heads;
  // Text K/V per distinct (batched) context: a prompt's K/V are reused across all denoising steps.
  const textCache: { ctx: Float32Array[]; out: Record<string, ort.Tensor> }[] = [];
  const sameData = (a: Float32Array, b: Float32Array): boolean =>
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(b.buffer, b.byteOffset, b.byteLength),
    );

  async function textKV(contexts: Float32Array[]): Promise<Record<string, ort.Tensor>> {
    const hit = textCache.find(
      (e) => e.ctx.length === contexts.length && e.ctx.every((x, i) => sameData(x, contexts[i])),
    );
    if (hit) return hit.out;
    const all = new Float32Array(contexts.length * c.text_len * c.text_dim);
    contexts.forEach((x, i) => all.set(x, i * x.length));
    const out = await text.run({
      context: new ort.Tensor('float32', all, [contexts.length * c.text_len, c.text_dim]),
    });
    textCache.unshift({ ctx: contexts.map((x) => x.slice()), out });
    if (textCache.length > 4) textCache.pop();
    return out;
  }

  const ropeCache = new Map<string, { cos: ort.Tensor; sin: ort.Tensor }>();
  function rope(grid: Grid): { cos: ort.Tensor; sin: ort.Tensor } {
    const k = grid.patches.join('x');
    let r = ropeCache.get(k);
    if (!r) {
      const { cos, sin } = ropeTables(grid.patches, headDim);
      r = {
        cos: new ort.Tensor('float32', cos, [grid.tokens, headDim / 2]),
        sin: new ort.Tensor('float32', sin, [grid.tokens, headDim / 2]),
      };
      ropeCache.set(k, r);
    }
    return r;
  }

  async function runBatch(
    inputs: DitInput[],
    wantDebug: boolean,
  ): Promise<{
    outs: Tensor[];
    raw: Record<string, ort.Tensor>;
    grid: Grid;
    tIndex: BigInt64Array;
    tValues: number[];
    ctx: Record<string, ort.Tensor>;
  }> {
    if (inputs.length === 0) throw new Error('DiT forwardBatch needs at least one input.');
    const prepared = inputs.map((inp) => modelInput(c, inp));
    const grid = prepared[0].grid;
    for (const p of prepared) {
      if (p.grid.latent.join() !== grid.latent.join())
        throw new Error('DiT forwardBatch: every sample must have the same latent size.');
    }
    const B = inputs.length;
    const x = new Float32Array(B * prepared[0].data.length);
    prepared.forEach((p, i) => x.set(p.data, i * p.data.length));
    const perTok = inputs.map((inp) => perTokenT(inp.t, grid.tokens));
    const flat = new Float32Array(B * grid.tokens);
    perTok.forEach((t, i) => flat.set(t, i * grid.tokens));
    const uniq = uniqueTimesteps(flat);
    const ctx = await textKV(inputs.map((inp) => padContext(c, inp.context)));
    const r = rope(grid);
    const feeds: Record<string, ort.Tensor> = {
      x: new ort.Tensor('float32', x, [B, c.in_dim, ...grid.latent]),
      t_sin: new ort.Tensor('float32', timestepSinusoid(uniq.values, c.freq_dim), [
        uniq.values.length,
        c.freq_dim,
      ]),
      t_index: new ort.Tensor('int64', uniq.index, [uniq.index.length]),
      rope_cos: r.cos,
      rope_sin: r.sin,
    };
    for (let i = 0; i < c.num_layers; i++) {
      feeds[textKName(i)] = ctx[textKName(i)]!;
      feeds[textVName(i)] = ctx[textVName(i)]!;
    }
    if (wantDebug && !graphOpts.debug)
      throw new Error('forwardDebug needs the DiT loaded with { debug: true }.');
    const raw = await step.run(feeds);
    const outT = raw.out;
    const per = (outT.data as Float32Array).length / B;
    const [F, H, W] = grid.latent;
    const outs = inputs.map((_, i) =>
      T((outT.data as Float32Array).slice(i * per, (i + 1) * per), [c.out_dim, F, H, W]),
    );
    return { outs, raw, grid, tIndex: uniq.index, tValues: uniq.values, ctx };
  }

  return {
    config: c,
    layout,
    ep: step.ep,
    async forward(input) {
      return (await runBatch([input], false)).outs[0];
    },
    async forwardBatch(inputs) {
      return (await runBatch(inputs, false)).outs;
    },
    async forwardDebug(input) {
      const { outs, raw, grid, tIndex, tValues, ctx } = await runBatch([input], true);
      const L = grid.tokens;
      const d = c.dim;
      const f32 = (name: string): Float32Array => raw[name].data as Float32Array;
      const debug = new Map<string, Tensor>();
      // patch embedding [L, dim] → [dim, f, h, w]
      const pe = f32('dbg_patch_embed');
      const peT = new Float32Array(pe.length);
      for (let l = 0; l < L; l++) for (let j = 0; j < d; j++) peT[j * L + l] = pe[l * d + j]!;
      debug.set('dbg_patch_embed', T(peT, [d, ...grid.patches]));
      const rowOf = (l: number): number => (tIndex.length === 1 ? 0 : Number(tIndex[l]));
      const expandRows = (src: Float32Array, width: number): Float32Array => {
        const out = new Float32Array(L * width);
        for (let l = 0; l < L; l++)
          out.set(src.subarray(rowOf(l) * width, (rowOf(l) + 1) * width), l * width);
        return out;
      };
      debug.set(
        'dbg_time_sinusoid',
        T(expandRows(timestepSinusoid(tValues, c.freq_dim), c.freq_dim), [L, c.freq_dim]),
      );
      debug.set('dbg_e', T(expandRows(f32('dbg_e'), d), [L, d]));
      debug.set('dbg_e0', T(expandRows(f32('dbg_e0'), 6 * d), [L, 6, d]));
      debug.set('dbg_context_emb', T(ctx.context_emb.data as Float32Array, [c.text_len, d]));
      for (let i = 0; i < c.num_layers; i++)
        debug.set(`dbg_block${i}_out`, T(f32(`dbg_block${i}_out`), [L, d]));
      const pprod = c.patch_size[0] * c.patch_size[1] * c.patch_size[2];
      debug.set('dbg_head_out', T(f32('dbg_head_out'), [L, pprod * c.out_dim]));
      return { out: outs[0], debug };
    },
    async dispose() {
      if (opts.profilePrefix) for (const s of [step, text]) s.session.endProfiling();
      for (const k of keys) await pool.release(k);
      textCache.length = 0;
      await file.close();
    },
  };
}
