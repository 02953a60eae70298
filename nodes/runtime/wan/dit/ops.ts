/**
 * Building blocks of the Wan DiT graph on top of GraphBuilder. Activations are 2-D [rows, features]
 * (rows = batch · tokens) so that every Linear is one Gemm reading the PyTorch [out, in] weight as is
 * (transB = 1: no transposed copy of the weights).
 */
import { attr } from '../../onnx/builder';
import type { GraphBuilder, WeightSource } from '../../onnx/builder';

export interface OpsOptions {
  /** Use com.microsoft fused kernels (MultiHeadAttention, RotaryEmbedding, SimplifiedLayerNormalization). */
  fused: boolean;
}

export class DitOps {
  private ones = new Map<number, string>();
  private zeros = new Map<number, string>();

  constructor(
    readonly g: GraphBuilder,
    private readonly file: WeightSource,
    private readonly keyOf: (official: string) => string,
    readonly opts: OpsOptions,
  ) {}

  /** A weight by its official name. */
  w(official: string, dims?: number[]): string {
    return this.g.weight(this.file, this.keyOf(official), { name: official, dims });
  }

  /** y = x · Wᵀ + b for the official Linear `prefix` (weight [out, in], bias [out]). */
  linear(x: string, prefix: string): string {
    return this.g.op('Gemm', [x, this.w(`${prefix}.weight`), this.w(`${prefix}.bias`)], { transB: 1 });
  }

  private onesOf(n: number): string {
    let v = this.ones.get(n);
    if (!v) this.ones.set(n, (v = this.g.constF32(new Float32Array(n).fill(1), [n])));
    return v;
  }

  private zerosOf(n: number): string {
    let v = this.zeros.get(n);
    if (!v) this.zeros.set(n, (v = this.g.constF32(new Float32Array(n), [n])));
    return v;
  }

  /** LayerNorm over the last axis; affine from `prefix` when given, else none. */
  layerNorm(x: string, dim: number, eps: number, prefix?: string): string {
    const scale = prefix ? this.w(`${prefix}.weight`) : this.onesOf(dim);
    const bias = prefix ? this.w(`${prefix}.bias`) : this.zerosOf(dim);
    return this.g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: attr.f(eps) });
  }

  /** WanRMSNorm: x · rsqrt(mean(x²) + eps) · weight, over the last axis (the full dim). */
  rmsNorm(x: string, eps: number, weightName: string): string {
    const w = this.w(weightName);
    if (this.opts.fused) {
      return this.g.op('SimplifiedLayerNormalization', [x, w], { axis: -1, epsilon: attr.f(eps) });
    }
    const g = this.g;
    const ms = g.op('ReduceMean', [g.op('Mul', [x, x]), g.constI64([-1])], { keepdims: 1 });
    const inv = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [ms, g.constF32(eps)])])]);
    return g.op('Mul', [g.op('Mul', [x, inv]), w]);
  }

  silu(x: string): string {
    return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])]);
  }

  geluTanh(x: string): string {
    return this.g.op('Gelu', [x], { approximate: 'tanh' });
  }

  /** x · (1 + scale) + shift, in the official evaluation order. */
  modulate(x: string, shift: string, scale: string): string {
    const g = this.g;
    return g.op('Add', [g.op('Mul', [x, g.op('Add', [scale, g.constF32(1)])]), shift]);
  }

  /**
   * Rotary embedding on interleaved channel pairs (2i, 2i+1) of each head. x [B·L, dim].
   */
  rope(x: string, s: GraphShapes): string {
    const g = this.g;
    if (this.opts.fused) {
      // com.microsoft RotaryEmbedding on [B, L, dim]; position ids pick each token's cos/sin row.
      const r = g.op(
        'RotaryEmbedding',
        [g.op('Reshape', [x, s.tok3]), s.posIds, s.cos2, s.sin2],
        { interleaved: 1, num_heads: s.heads },
        { domain: 'com.microsoft' },
      );
      return g.op('Reshape', [r, g.constI64([-1, s.dim])]);
    }
    const x5 = g.op('Reshape', [x, s.rope5]);
    const [a, b] = g.op('Split', [x5, g.constI64([1, 1])], { axis: -1 }, { outputs: 2 });
    const ra = g.op('Sub', [g.op('Mul', [a, s.cos5]), g.op('Mul', [b, s.sin5])]);
    const rb = g.op('Add', [g.op('Mul', [a, s.sin5]), g.op('Mul', [b, s.cos5])]);
    return g.op('Reshape', [g.op('Concat', [ra, rb], { axis: -1 }), g.constI64([-1, s.dim])]);
  }

  /** Multi-head attention without mask: q [B·Lq, dim], k/v [B·Lk, dim] → [B·Lq, dim]. */
  attention(q: string, k: string, v: string, s: GraphShapes, kv: 'self' | 'text'): string {
    const g = this.g;
    const scale = 1 / Math.sqrt(s.dim / s.heads);
    const k3 = kv === 'self' ? s.tok3 : s.txt3;
    const k4 = kv === 'self' ? s.tok4 : s.txt4;
    if (this.opts.fused) {
      const out = g.op(
        'MultiHeadAttention',
        [g.op('Reshape', [q, s.tok3]), g.op('Reshape', [k, k3]), g.op('Reshape', [v, k3])],
        { num_heads: s.heads, scale: attr.f(scale) },
        { domain: 'com.microsoft' },
      );
      return g.op('Reshape', [out, g.constI64([-1, s.dim])]);
    }
    const q4 = g.op('Transpose', [g.op('Reshape', [q, s.tok4])], { perm: [0, 2, 1, 3] });
    const kT = g.op('Transpose', [g.op('Reshape', [k, k4])], { perm: [0, 2, 3, 1] });
    const v4 = g.op('Transpose', [g.op('Reshape', [v, k4])], { perm: [0, 2, 1, 3] });
    const scores = g.op('MatMul', [g.op('Mul', [q4, g.constF32(scale)]), kT]);
    const p = g.op('Softmax', [scores], { axis: -1 });
    const o = g.op('Transpose', [g.op('MatMul', [p, v4])], { perm: [0, 2, 1, 3] });
    return g.op('Reshape', [o, g.constI64([-1, s.dim])]);
  }
}

/** Run-time shape tensors (int64) and tables shared by every block of one graph. */
export interface GraphShapes {
  dim: number;
  heads: number;
  /** [-1, L, dim] and [-1, L, heads, headDim] for the video tokens. */
  tok3: string;
  tok4: string;
  /** The same for the text tokens (text_len rows per sample). */
  txt3: string;
  txt4: string;
  /** [-1, L, heads, headDim/2, 2] and the cos/sin tables as [L, 1, headDim/2, 1]. */
  rope5: string;
  cos5: string;
  sin5: string;
  /** Fused path: cos/sin [L, headDim/2] and position ids [B, L]. */
  cos2: string;
  sin2: string;
  posIds: string;
}
