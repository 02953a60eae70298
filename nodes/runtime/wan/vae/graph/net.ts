/**
 * A thin shape-tracking layer over the ONNX GraphBuilder for the VAE chunk graphs. Every value
 * carries its static shape (`[1, C, T, H, W]` for activations), weights are checked against the
 * shapes the config implies, and the causal-conv caches of one chunk become explicit graph
 * inputs (`cache.N`) and outputs (`cache_next.N`).
 */
import type { GraphBuilder, WeightSource } from '../../../onnx';
import { VaeError } from '../errors';

/** A graph value with its static shape. */
export interface V {
  n: string;
  s: number[];
}

/**
 * 'first': the first chunk (caches start empty: causal padding with zeros, and the Resample /
 * DupUp3D first-chunk rules). 'steady': every later chunk (caches are graph inputs).
 */
export type ChunkMode = 'first' | 'steady';

export interface CacheSpec {
  /** `[1, C, t, H, W]` with t = 2 for causal convs and 1 for downsample3d's time_conv. */
  shape: number[];
  /** Where it lives (for messages and debugging). */
  at: string;
}

/** Where the graph's weights come from: the checkpoint (checked), or a recorder of the expected shapes. */
export interface WeightProvider {
  /** The graph value of weight `key` (official name) stored with `shape`, viewed as `view`. */
  get(b: GraphBuilder, key: string, shape: number[], view?: number[]): string;
}

/** Weights as external data from a safetensors file, each checked against the expected shape. */
export function checkpointWeights(src: WeightSource, prefix: string): WeightProvider {
  return {
    get(b, key, shape, view) {
      const full = `${prefix}${key}`;
      let info: { shape: number[] };
      try {
        info = src.info(full);
      } catch {
        throw new VaeError(
          `${src.path}: the VAE tensor "${full}" is missing (the config expects it with shape [${shape.join(', ')}]).`,
          src.path,
        );
      }
      if (!same(info.shape, shape)) {
        throw new VaeError(
          `${src.path}: the VAE tensor "${full}" has shape [${info.shape.join(', ')}] but the config expects [${shape.join(', ')}]; the config.json does not match these weights.`,
          src.path,
        );
      }
      return b.weight(src, full, view ? { dims: view } : {});
    },
  };
}

/** Records the tensors (name → stored shape) a graph asks for; the graph itself is not runnable. */
export class ShapeRecorder implements WeightProvider {
  readonly shapes = new Map<string, number[]>();
  get(b: GraphBuilder, key: string, shape: number[]): string {
    this.shapes.set(key, shape);
    return b.constF32(0);
  }
}

const same = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export class Net {
  /** Caches in emission order; identical for both chunk modes of the same config and size. */
  readonly caches: CacheSpec[] = [];
  private readonly i64 = new Map<string, string>();
  private readonly f32 = new Map<number, string>();

  constructor(
    readonly b: GraphBuilder,
    private readonly weights: WeightProvider,
    readonly mode: ChunkMode,
  ) {}

  get first(): boolean {
    return this.mode === 'first';
  }

  /** A weight (official key) stored with `shape`, optionally viewed as `view`. */
  w(key: string, shape: number[], view?: number[]): string {
    return this.weights.get(this.b, key, shape, view);
  }

  ints(values: readonly number[]): string {
    const k = values.join(',');
    let n = this.i64.get(k);
    if (!n) this.i64.set(k, (n = this.b.constI64(values)));
    return n;
  }

  scalar(value: number): string {
    const k = Math.fround(value);
    let n = this.f32.get(k);
    if (!n) this.f32.set(k, (n = this.b.constF32(value)));
    return n;
  }

  op(type: string, inputs: string[], shape: number[], attrs?: Record<string, number | number[] | string>): V {
    return { n: this.b.op(type, inputs, attrs), s: shape };
  }

  // ---- elementwise / shape ops -------------------------------------------------------------

  add(a: V, b: V): V {
    if (!same(a.s, b.s)) throw new Error(`internal: Add of [${a.s.join(',')}] and [${b.s.join(',')}]`);
    return this.op('Add', [a.n, b.n], a.s);
  }

  silu(x: V): V {
    return this.op('Mul', [x.n, this.b.op('Sigmoid', [x.n])], x.s);
  }

  reshape(x: V, shape: number[]): V {
    if (numel(shape) !== numel(x.s))
      throw new Error(`internal: Reshape [${x.s.join(',')}] -> [${shape.join(',')}]`);
    return this.op('Reshape', [x.n, this.ints(shape)], shape);
  }

  transpose(x: V, perm: number[]): V {
    return this.op(
      'Transpose',
      [x.n],
      perm.map((p) => x.s[p]),
      { perm },
    );
  }

  /** Elements [start, end) of `axis` (negative indices count from the end). */
  slice(x: V, axis: number, start: number, end: number): V {
    const len = x.s[axis];
    const s0 = start < 0 ? len + start : start;
    const e0 = end < 0 ? len + end : Math.min(end, len);
    const shape = x.s.slice();
    shape[axis] = e0 - s0;
    return this.op('Slice', [x.n, this.ints([s0]), this.ints([e0]), this.ints([axis])], shape);
  }

  concat(xs: V[], axis: number): V {
    const shape = xs[0].s.slice();
    shape[axis] = xs.reduce((a, x) => a + x.s[axis], 0);
    return this.op(
      'Concat',
      xs.map((x) => x.n),
      shape,
      { axis },
    );
  }

  /** Zero frames in front of the time axis (axis 2). */
  padTimeFront(x: V, frames: number): V {
    if (frames === 0) return x;
    const pads = [0, 0, frames, 0, 0, 0, 0, 0, 0, 0];
    const shape = x.s.slice();
    shape[2] = shape[2] + frames;
    return this.op('Pad', [x.n, this.ints(pads)], shape, { mode: 'constant' });
  }

  zeros(shape: number[]): V {
    const value = { kind: 't' as const, dtype: 'float32' as const, dims: [1], data: new Float32Array(1) };
    return { n: this.b.op('ConstantOfShape', [this.ints(shape)], { value }), s: shape };
  }

  // ---- convolutions --------------------------------------------------------------------------

  /**
   * Conv3d over `[1, C, T, H, W]` with weight `${key}.weight` `[O, C, kt, kh, kw]` (a 2-D conv
   * weight `[O, C, kh, kw]` is used as kt = 1 when `conv2d`) and bias `${key}.bias`.
   * `pads` = [t0, h0, w0, t1, h1, w1].
   */
  conv(
    x: V,
    key: string,
    out: number,
    kernel: [number, number, number],
    opts: { pads?: number[]; strides?: [number, number, number]; conv2d?: boolean } = {},
  ): V {
    const cin = x.s[1];
    const stored = opts.conv2d ? [out, cin, kernel[1], kernel[2]] : [out, cin, ...kernel];
    const wt = this.w(`${key}.weight`, stored, opts.conv2d ? [out, cin, ...kernel] : undefined);
    const bias = this.w(`${key}.bias`, [out]);
    const pads = opts.pads ?? [0, 0, 0, 0, 0, 0];
    const strides = opts.strides ?? [1, 1, 1];
    const shape = [
      1,
      out,
      ...[0, 1, 2].map((a) => Math.floor((x.s[a + 2] + pads[a] + pads[a + 3] - kernel[a]) / strides[a]) + 1),
    ];
    if (shape.some((d) => d <= 0)) {
      throw new VaeError(`The VAE input is too small for "${key}" (its input is [${x.s.join(', ')}]).`);
    }
    return this.op('Conv', [x.n, wt, bias], shape, {
      kernel_shape: kernel,
      pads,
      strides,
      dilations: [1, 1, 1],
      group: 1,
    });
  }

  /**
   * A cache slot for the current chunk: in 'steady' mode a new graph input of `shape`; in
   * 'first' mode nothing (undefined). `commit` registers the value the next chunk receives.
   */
  cache(shape: number[], at: string): { input: V | undefined; commit: (next: V) => void } {
    const index = this.caches.length;
    this.caches.push({ shape, at });
    const input = this.first ? undefined : { n: this.b.input(`cache.${index}`, 'float32', shape), s: shape };
    return {
      input,
      commit: (next: V) => {
        if (!same(next.s, shape))
          throw new Error(
            `internal: cache ${index} (${at}) is [${next.s.join(',')}], declared [${shape.join(',')}]`,
          );
        this.b.output(next.n, `cache_next.${index}`, { dims: shape });
      },
    };
  }

  /**
   * `CausalConv3d` with a 3×3×3 kernel (padding 1): two frames of history in front of the
   * chunk — zeros on the first chunk, the cached last two input frames afterwards — and the
   * cache for the next chunk is the last two frames of that extended input.
   */
  causalConv3(x: V, key: string, out: number): V {
    const [, c, , h, w] = x.s as [number, number, number, number, number];
    const slot = this.cache([1, c, 2, h, w], key);
    const ext = slot.input ? this.concat([slot.input, x], 2) : this.padTimeFront(x, 2);
    slot.commit(this.slice(ext, 2, -2, ext.s[2]));
    return this.conv(ext, key, out, [3, 3, 3], { pads: [0, 1, 1, 0, 1, 1] });
  }

  /** `CausalConv3d` with a 1×1×1 kernel (no temporal context, no cache). */
  conv1(x: V, key: string, out: number): V {
    return this.conv(x, key, out, [1, 1, 1]);
  }

  // ---- norms and attention -------------------------------------------------------------------

  /**
   * The VAE's `RMS_norm`: `F.normalize(x, dim=1) * sqrt(C) * gamma` (L2 over channels with
   * the norm clamped to >= 1e-12). `gammaShape` is the stored shape of `${key}.gamma`.
   */
  rmsNorm(x: V, key: string, gammaShape: number[]): V {
    const c = x.s[1];
    const gamma = this.w(`${key}.gamma`, gammaShape, [c, 1, 1, 1]);
    const l2 = this.b.op('ReduceL2', [x.n, this.ints([1])], { keepdims: 1 });
    const den = this.b.op('Max', [l2, this.scalar(1e-12)]);
    const normed = this.b.op('Div', [x.n, den]);
    const scaled = this.b.op('Mul', [normed, this.scalar(Math.sqrt(c))]);
    return this.op('Mul', [scaled, gamma], x.s);
  }

  /** `AttentionBlock`: per-frame single-head self-attention over the H×W positions, residual. */
  attention(x: V, key: string): V {
    const [, c, t, h, w] = x.s as [number, number, number, number, number];
    const hw = h * w;
    const normed = this.rmsNorm(x, `${key}.norm`, [c, 1, 1]);
    const qkvW = this.w(`${key}.to_qkv.weight`, [3 * c, c, 1, 1], [3 * c, c, 1, 1, 1]);
    const qkvB = this.w(`${key}.to_qkv.bias`, [3 * c]);
    const qkv = this.op('Conv', [normed.n, qkvW, qkvB], [1, 3 * c, t, h, w], { kernel_shape: [1, 1, 1] });
    // [1, 3C, T, H, W] -> [T, HW, 3C]; channels 0..C-1 are q, C..2C-1 k, 2C..3C-1 v.
    const tokens = this.transpose(this.reshape(qkv, [3 * c, t, hw]), [1, 2, 0]);
    const [q, k, v] = this.b.op('Split', [tokens.n, this.ints([c, c, c])], { axis: 2 }, { outputs: 3 }) as [
      string,
      string,
      string,
    ];
    const kT = this.b.op('Transpose', [k], { perm: [0, 2, 1] });
    const scores = this.b.op('Mul', [this.b.op('MatMul', [q, kT]), this.scalar(1 / Math.sqrt(c))]);
    const probs = this.b.op('Softmax', [scores], { axis: -1 });
    const attn: V = { n: this.b.op('MatMul', [probs, v]), s: [t, hw, c] };
    const back = this.reshape(this.transpose(attn, [2, 0, 1]), [1, c, t, h, w]);
    const projW = this.w(`${key}.proj.weight`, [c, c, 1, 1], [c, c, 1, 1, 1]);
    const projB = this.w(`${key}.proj.bias`, [c]);
    const proj = this.op('Conv', [back.n, projW, projB], x.s, { kernel_shape: [1, 1, 1] });
    return this.add(proj, x);
  }
}
