/**
 * The Wan 2.2 DiT (official `WanModel`) as two ONNX graphs:
 *  - the text graph: context [B·text_len, text_dim] (zero-padded rows included) → text_embedding
 *    → every block's cross-attention K (RMS-normed) and V. It runs once per prompt, not per step.
 *  - the step graph: latent x [B, in_dim, F, H, W], timestep sinusoids, RoPE tables and the text K/V
 *    → velocity [B, out_dim, F, H, W].
 * Every size comes from the config; the grid, batch and token count are run-time dims.
 */
import { GraphBuilder, type WeightSource } from '../../onnx/builder';
import type { WanDitConfig } from '../layout/dit-config';
import { DitOps, type GraphShapes } from './ops';

export interface DitGraphOptions {
  /** Extra outputs dbg_* (patch embedding, e, e0, every block, head). */
  debug: boolean;
  /** com.microsoft fused attention / rotary / RMSNorm kernels. */
  fused: boolean;
}

/** Bumped when the graphs change (part of the model cache key). */
export const DIT_GRAPH_VERSION = 1;

export const textKName = (i: number): string => `text_k${i}`;
export const textVName = (i: number): string => `text_v${i}`;

/** text graph: input `context` [rows, text_dim]; outputs `context_emb` [rows, dim], text_k{i}, text_v{i}. */
export function buildTextGraph(
  file: WeightSource,
  keyOf: (o: string) => string,
  c: WanDitConfig,
  opts: DitGraphOptions,
): GraphBuilder {
  const g = new GraphBuilder({ name: 'wan_dit_text', metadata: { config: JSON.stringify(c) } });
  const ops = new DitOps(g, file, keyOf, opts);
  const ctx = g.input('context', 'float32', ['rows', c.text_dim]);
  const emb = ops.linear(ops.geluTanh(ops.linear(ctx, 'text_embedding.0')), 'text_embedding.2');
  g.output(emb, 'context_emb', { dims: ['rows', c.dim] });
  for (let i = 0; i < c.num_layers; i++) {
    const b = `blocks.${i}.cross_attn`;
    const k = ops.linear(emb, `${b}.k`);
    g.output(c.qk_norm ? ops.rmsNorm(k, c.eps, `${b}.norm_k.weight`) : k, textKName(i), {
      dims: ['rows', c.dim],
    });
    g.output(ops.linear(emb, `${b}.v`), textVName(i), { dims: ['rows', c.dim] });
  }
  return g;
}

/**
 * step graph inputs:
 *  x [B, in_dim, F, H, W]; t_sin [U, freq_dim] (sinusoids of the U distinct timesteps);
 *  t_index int64 [1 or B·L] (row of t_sin for every token; [0] = one timestep for all);
 *  rope_cos / rope_sin [L, headDim/2]; text_k{i} / text_v{i} [B·text_len, dim].
 * output `out` [B, out_dim, F, H, W]; with debug: dbg_patch_embed [B·L, dim], dbg_e [U, dim],
 * dbg_e0 [U, 6·dim], dbg_block{i}_out [B·L, dim], dbg_head_out [B·L, p·out_dim].
 */
export function buildStepGraph(
  file: WeightSource,
  keyOf: (o: string) => string,
  c: WanDitConfig,
  opts: DitGraphOptions,
): GraphBuilder {
  const g = new GraphBuilder({ name: 'wan_dit_step', metadata: { config: JSON.stringify(c) } });
  const ops = new DitOps(g, file, keyOf, opts);
  const { dim, num_heads: heads } = c;
  const headDim = dim / heads;
  const [p0, p1, p2] = c.patch_size;
  const pprod = p0 * p1 * p2;
  const dbg = (v: string, name: string): void => {
    if (opts.debug) g.output(v, name);
  };

  const x = g.input('x', 'float32', ['batch', c.in_dim, 'frames', 'height', 'width']);
  const tSin = g.input('t_sin', 'float32', ['steps', c.freq_dim]);
  const tIndex = g.input('t_index', 'int64', ['token_steps']);
  const ropeCos = g.input('rope_cos', 'float32', ['tokens', headDim / 2]);
  const ropeSin = g.input('rope_sin', 'float32', ['tokens', headDim / 2]);
  const textK: string[] = [];
  const textV: string[] = [];
  for (let i = 0; i < c.num_layers; i++) {
    textK.push(g.input(textKName(i), 'float32', ['text_rows', dim]));
    textV.push(g.input(textVName(i), 'float32', ['text_rows', dim]));
  }

  // Run-time shapes: grid (f, h, w) = (F/p0, H/p1, W/p2), L = f·h·w.
  const i64 = (v: number[]): string => g.constI64(v);
  const xShape = g.op('Shape', [x]);
  const batch = g.op('Slice', [xShape, i64([0]), i64([1])]);
  const FHW = g.op('Slice', [xShape, i64([2]), i64([5])]);
  const fhw = g.op('Div', [FHW, i64([p0, p1, p2])]);
  const [f, h, w] = g.op('Split', [fhw, i64([1, 1, 1])], { axis: 0 }, { outputs: 3 });
  const L = g.op('Slice', [g.op('Shape', [ropeCos]), i64([0]), i64([1])]);
  const cat = (parts: string[]): string => g.op('Concat', parts, { axis: 0 });
  const s: GraphShapes = {
    dim,
    heads,
    tok3: cat([i64([-1]), L, i64([dim])]),
    tok4: cat([i64([-1]), L, i64([heads, headDim])]),
    txt3: i64([-1, c.text_len, dim]),
    txt4: i64([-1, c.text_len, heads, headDim]),
    rope5: cat([i64([-1]), L, i64([heads, headDim / 2, 2])]),
    cos5: g.op('Unsqueeze', [ropeCos, i64([1, 3])]),
    sin5: g.op('Unsqueeze', [ropeSin, i64([1, 3])]),
    cos2: ropeCos,
    sin2: ropeSin,
    posIds: '',
  };
  if (opts.fused) {
    const range = g.op('Range', [g.constI64(0), g.op('Squeeze', [L, i64([0])]), g.constI64(1)]);
    s.posIds = g.op('Expand', [g.op('Unsqueeze', [range, i64([0])]), cat([batch, L])]);
  }

  // Patch embedding (Conv3d with kernel = stride = patch) as patchify + one Gemm.
  const x8 = g.op('Reshape', [x, cat([i64([-1, c.in_dim]), f, i64([p0]), h, i64([p1]), w, i64([p2])])]);
  const patches = g.op('Reshape', [
    g.op('Transpose', [x8], { perm: [0, 2, 4, 6, 1, 3, 5, 7] }),
    i64([-1, c.in_dim * pprod]),
  ]);
  const peW = ops.w('patch_embedding.weight', [dim, c.in_dim * pprod]);
  let hidden = g.op('Gemm', [patches, peW, ops.w('patch_embedding.bias')], { transB: 1 });
  dbg(hidden, 'dbg_patch_embed');

  // Time embedding on the distinct timesteps, then one row per token (or one row for all).
  const e = ops.linear(ops.silu(ops.linear(tSin, 'time_embedding.0')), 'time_embedding.2');
  const e0 = ops.linear(ops.silu(e), 'time_projection.1');
  dbg(e, 'dbg_e');
  dbg(e0, 'dbg_e0');
  const eTok = g.op('Gather', [e, tIndex], { axis: 0 });
  const e0Tok = g.op('Gather', [e0, tIndex], { axis: 0 });

  for (let i = 0; i < c.num_layers; i++) {
    const b = `blocks.${i}`;
    const mod = g.op('Add', [ops.w(`${b}.modulation`, [6 * dim]), e0Tok]);
    const m = g.op('Split', [mod, i64([dim, dim, dim, dim, dim, dim])], { axis: -1 }, { outputs: 6 });

    // Self-attention.
    const n1 = ops.modulate(ops.layerNorm(hidden, dim, c.eps), m[0], m[1]);
    const qkNorm = (v: string, which: 'q' | 'k', attn: string): string =>
      c.qk_norm ? ops.rmsNorm(v, c.eps, `${b}.${attn}.norm_${which}.weight`) : v;
    const q = ops.rope(qkNorm(ops.linear(n1, `${b}.self_attn.q`), 'q', 'self_attn'), s);
    const k = ops.rope(qkNorm(ops.linear(n1, `${b}.self_attn.k`), 'k', 'self_attn'), s);
    const v = ops.linear(n1, `${b}.self_attn.v`);
    const sa = ops.linear(ops.attention(q, k, v, s, 'self'), `${b}.self_attn.o`);
    hidden = g.op('Add', [hidden, g.op('Mul', [sa, m[2]])]);

    // Cross-attention over all text_len rows (no mask); K/V come from the text graph.
    const n3 = c.cross_attn_norm ? ops.layerNorm(hidden, dim, c.eps, `${b}.norm3`) : hidden;
    const cq = qkNorm(ops.linear(n3, `${b}.cross_attn.q`), 'q', 'cross_attn');
    const ca = ops.linear(ops.attention(cq, textK[i], textV[i], s, 'text'), `${b}.cross_attn.o`);
    hidden = g.op('Add', [hidden, ca]);

    // FFN.
    const n2 = ops.modulate(ops.layerNorm(hidden, dim, c.eps), m[3], m[4]);
    const ff = ops.linear(ops.geluTanh(ops.linear(n2, `${b}.ffn.0`)), `${b}.ffn.2`);
    hidden = g.op('Add', [hidden, g.op('Mul', [ff, m[5]])]);
    dbg(hidden, `dbg_block${i}_out`);
  }

  // Head: LayerNorm, modulation (head.modulation + e) as (shift, scale), Linear.
  const hm = g.op(
    'Split',
    [ops.w('head.modulation', [2 * dim]), i64([dim, dim])],
    { axis: 0 },
    { outputs: 2 },
  );
  const shift = g.op('Add', [hm[0], eTok]);
  const scale = g.op('Add', [hm[1], eTok]);
  const head = ops.linear(ops.modulate(ops.layerNorm(hidden, dim, c.eps), shift, scale), 'head.head');
  dbg(head, 'dbg_head_out');

  // Unpatchify: [B·L, (p0, p1, p2, c)] → [B, c, F, H, W].
  const u8 = g.op('Reshape', [head, cat([i64([-1]), f, h, w, i64([p0, p1, p2, c.out_dim])])]);
  const ut = g.op('Transpose', [u8], { perm: [0, 7, 1, 4, 2, 5, 3, 6] });
  const out = g.op('Reshape', [ut, cat([i64([-1, c.out_dim]), FHW])]);
  g.output(out, 'out', { dims: ['batch', c.out_dim, 'frames', 'height', 'width'] });
  return g;
}
