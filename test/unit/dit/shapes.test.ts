import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSafetensors, type WritableTensor } from '../../../nodes/runtime/safetensors/writer';
import { expectedDitShapes, type WanDitConfig } from '../../../nodes/runtime/wan/layout/dit-config';
import { loadWanDit } from '../../../nodes/runtime/wan/dit/model';

const dir = await mkdtemp(join(tmpdir(), 'dit-shapes-'));
after(() => rm(dir, { recursive: true, force: true }));

function rand(n: number, scale: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648 - 0.5) * 2 * scale;
  });
}

async function writeModel(name: string, c: WanDitConfig): Promise<string> {
  const tensors: Record<string, WritableTensor> = {};
  let seed = 3;
  for (const [key, shape] of expectedDitShapes(c)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
    const r = rand(
      n,
      key.endsWith('bias') || key.includes('modulation') ? 0.1 : 1 / Math.sqrt(fanIn),
      seed++,
    );
    tensors[key] = { dtype: 'F32', shape, data: /norm/.test(key) ? r.map((v) => 1 + v) : r };
  }
  const path = join(dir, `${name}.safetensors`);
  await writeSafetensors(path, tensors);
  return path;
}

const base: WanDitConfig = {
  model_type: 't2v',
  patch_size: [1, 2, 2],
  text_len: 7,
  in_dim: 4,
  dim: 72,
  ffn_dim: 40,
  freq_dim: 10,
  text_dim: 6,
  out_dim: 3,
  num_heads: 3,
  num_layers: 3,
  window_size: [-1, -1],
  qk_norm: true,
  cross_attn_norm: true,
  eps: 1e-6,
};

// Other head counts / head_dim (RoPE split [4, 4, 4] and [3, 3, 3]... ), text_len, freq_dim, non-square grids.
const variants: Array<[string, WanDitConfig, number[]]> = [
  ['3 heads of 24, 5 frames, 4x6 grid', base, [4, 5, 8, 12]],
  [
    '4 heads of 18, patch 2x2x2, no norms',
    { ...base, num_heads: 4, patch_size: [2, 2, 2], qk_norm: false, cross_attn_norm: false },
    [4, 4, 6, 2],
  ],
];

void describe('DiT graph generalises over config dimensions', () => {
  for (const [label, c, xDims] of variants) {
    void test(`fused and plain ONNX kernels agree: ${label}`, async () => {
      const path = await writeModel(label.replace(/\W+/g, '_'), c);
      const numel = xDims.reduce((a, b) => a * b, 1);
      const tokens =
        (xDims[1] / c.patch_size[0]) * (xDims[2] / c.patch_size[1]) * (xDims[3] / c.patch_size[2]);
      const perTok = Float32Array.from({ length: tokens }, (_, i) => (i < tokens / 2 ? 0 : 500));
      const input = {
        x: { dims: xDims, data: rand(numel, 1, 9) },
        context: { dims: [3, c.text_dim], data: rand(3 * c.text_dim, 1, 10) },
      };
      const outs = [];
      for (const fused of [true, false]) {
        const dit = await loadWanDit(path, { config: c, fused, threads: 1, cacheDir: join(dir, 'cache') });
        outs.push(await dit.forward({ ...input, t: perTok }));
        await dit.dispose();
      }
      const [a, b] = outs;
      assert.deepEqual(a.dims, [c.out_dim, ...xDims.slice(1)]);
      let maxErr = 0;
      let maxAbs = 0;
      for (let i = 0; i < a.data.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(a.data[i] - b.data[i]));
        maxAbs = Math.max(maxAbs, Math.abs(b.data[i]));
      }
      assert.ok(maxAbs > 0.1, 'outputs are not trivial');
      assert.ok(maxErr < 1e-4 * Math.max(1, maxAbs), `max difference ${maxErr}`);
    });
  }
});
