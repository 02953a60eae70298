/**
 * The umT5 encoder (Wan `t5.py` `T5Encoder`) as an ONNX graph, built with the project's
 * GraphBuilder; weights stay in the safetensors file as external data.
 *
 * Graph inputs:  ids int64 [batch, len], mask int64 [batch, len] (0 = padding),
 *                rel_buckets int64 [len, len] (relativePositionBuckets(len, len), see buckets.ts).
 * Graph output:  hidden float32 [batch, len, dim] (every position; padded queries still attend to
 *                the real keys), plus with `debug` block{i}_out [batch, len, dim] (before the final
 *                norm) and pos_bias0 [heads, len, len].
 *
 * Semantics (from the official code): token embedding, no scaling; per block
 * x += o(attn(norm1(x))) and x += fc2(fc1(n) * gelu_tanh(gate(n))) with n = norm2(x);
 * RMS norms without mean or bias (eps from the config); attention logits q·k WITHOUT 1/sqrt(d),
 * plus the relative position bias of the block (one per block in umT5, shared_pos = false), with
 * padded keys set to float32 min; final RMS norm.
 */
import { GraphBuilder, DataType } from '../../onnx';
import type { WeightSource } from '../../onnx';
import type { Umt5Config } from './config';
import type { Umt5WeightNames } from './weights';

/** Lowest float32 (torch.finfo(torch.float32).min), what masked keys are filled with. */
export const F32_MIN = -3.4028234663852886e38;

export interface Umt5GraphOptions {
  /** Also output every block's output and block 0's position bias. */
  debug?: boolean;
}

export function buildUmt5Graph(
  file: WeightSource,
  names: Umt5WeightNames,
  cfg: Umt5Config,
  opts: Umt5GraphOptions = {},
): GraphBuilder {
  const g = new GraphBuilder({
    name: 'umt5_encoder',
    metadata: { kind: 'umt5-encoder', config: JSON.stringify(cfg), debug: String(Boolean(opts.debug)) },
  });
  const heads = cfg.numHeads;
  const headDim = cfg.dimAttn / heads;

  const ids = g.input('ids', 'int64', ['batch', 'len']);
  const mask = g.input('mask', 'int64', ['batch', 'len']);
  const buckets = g.input('rel_buckets', 'int64', ['len', 'len']);

  // shapes: [batch, len] from the ids, then the 4-D/2-D views used below
  const bl = g.op('Shape', [ids]);
  const shapeBLHC = g.op('Concat', [bl, g.constI64([heads, headDim])], { axis: 0 });
  const shapeBLD = g.op('Concat', [bl, g.constI64([cfg.dim])], { axis: 0 });
  const rows2d = g.constI64([-1, cfg.dim]);
  const rowsAttn = g.constI64([-1, cfg.dimAttn]);

  // token embedding: gather rows in the stored dtype, then cast (never casts the whole table)
  const emb = g.weight(file, names.embedding, { cast: 'keep' });
  let x = g.op('Gather', [emb, ids], { axis: 0 });
  if (file.info(names.embedding).dtype !== 'F32') x = g.op('Cast', [x], { to: DataType.float32 });
  x = g.op('Reshape', [x, rows2d]); // [batch*len, dim]

  // padded keys: [batch, 1, 1, len] boolean
  const keyPad = g.op('Reshape', [g.op('Equal', [mask, g.constI64(0)]), g.constI64([0, 1, 1, -1])]);
  const fMin = g.constF32(F32_MIN);
  const eps = g.constF32(cfg.eps);
  const two = g.constF32(2);
  const lastAxis = g.constI64([-1]);

  const rmsNorm = (v: string, weightKey: string): string => {
    const ms = g.op('ReduceMean', [g.op('Pow', [v, two]), lastAxis], { keepdims: 1 });
    const normed = g.op('Div', [v, g.op('Sqrt', [g.op('Add', [ms, eps])])]);
    return g.op('Mul', [normed, g.weight(file, weightKey)]);
  };
  const linear = (v: string, weightKey: string): string =>
    g.op('Gemm', [v, g.weight(file, weightKey)], { transB: 1 });

  const positionBias = (weightKey: string): string => {
    // [nb, heads] gathered by [len, len] -> [len, len, heads] -> [1, heads, len, len]
    const table = g.op('Gather', [g.weight(file, weightKey), buckets], { axis: 0 });
    return g.op('Unsqueeze', [g.op('Transpose', [table], { perm: [2, 0, 1] }), g.constI64([0])]);
  };
  const sharedBias = names.sharedPosBias ? positionBias(names.sharedPosBias) : undefined;

  names.layers.forEach((layer, i) => {
    const posBias = layer.posBias ? positionBias(layer.posBias) : sharedBias!;
    if (i === 0 && opts.debug)
      g.output(g.op('Squeeze', [posBias, g.constI64([0])]), 'pos_bias0', { dims: [heads, 'len', 'len'] });
    const attnBias = g.op('Where', [keyPad, fMin, posBias]); // [batch, heads, len, len]

    const n1 = rmsNorm(x, layer.norm1);
    const heads4 = (w: string, perm: number[]) =>
      g.op('Transpose', [g.op('Reshape', [linear(n1, w), shapeBLHC])], { perm });
    const q = heads4(layer.q, [0, 2, 1, 3]); // [b, h, lq, c]
    const kT = heads4(layer.k, [0, 2, 3, 1]); // [b, h, c, lk]
    const v = heads4(layer.v, [0, 2, 1, 3]); // [b, h, lk, c]
    const logits = g.op('Add', [g.op('MatMul', [q, kT]), attnBias]); // no 1/sqrt(c) in T5
    const probs = g.op('Softmax', [logits], { axis: -1 });
    const ctx = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }); // [b, lq, h, c]
    const attnOut = linear(g.op('Reshape', [ctx, rowsAttn]), layer.o);
    x = g.op('Add', [x, attnOut]);

    const n2 = rmsNorm(x, layer.norm2);
    const gate = g.op('Gelu', [linear(n2, layer.gate)], { approximate: 'tanh' });
    const hidden = g.op('Mul', [linear(n2, layer.fc1), gate]);
    x = g.op('Add', [x, linear(hidden, layer.fc2)]);
    if (opts.debug)
      g.output(g.op('Reshape', [x, shapeBLD]), `block${i}_out`, { dims: ['batch', 'len', cfg.dim] });
  });

  const out = g.op('Reshape', [rmsNorm(x, names.finalNorm), shapeBLD]);
  g.output(out, 'hidden', { dims: ['batch', 'len', cfg.dim] });
  return g;
}
