import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import {
  defaultConfig,
  expectedVaeTensors,
  loadWanVae,
  parseVaeConfig,
  type VaeConfig,
} from '../../../nodes/runtime/wan/vae';
import { GOLDEN_DIR } from '../../helpers/paths';

const dir = mkdtempSync(join(tmpdir(), 'vae-variants-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random normal numbers (xorshift + Box-Muller). */
function randn(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** Random weights for `cfg` in the golden sets' distributions, written as a checkpoint. */
async function randomCheckpoint(cfg: VaeConfig, name: string): Promise<string> {
  const g = randn(name.length * 7919);
  const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
  for (const [key, shape] of expectedVaeTensors(cfg)) {
    const n = shape.reduce((a, b) => a * b, 1);
    const fanIn = n / shape[0];
    const data = Float32Array.from({ length: n }, () =>
      key.endsWith('.gamma') ? 1 + 0.1 * g() : key.endsWith('.bias') ? 0.05 * g() : g() / Math.sqrt(fanIn),
    );
    tensors[key] = { dtype: 'F32', shape, data };
  }
  const path = join(dir, `${name}.safetensors`);
  await writeSafetensors(path, tensors);
  return path;
}

function framesOf(t: { dims: number[]; data: Float32Array }, count: number): Float32Array {
  const [c, f, h, w] = t.dims;
  const out = new Float32Array(c * count * h * w);
  for (let ch = 0; ch < c; ch++)
    out.set(t.data.subarray(ch * f * h * w, (ch * f + count) * h * w), ch * count * h * w);
  return out;
}

describe('the tensors a config implies', () => {
  const cases = ['vae21', 'vae22', join('pipe_ti2v', 'vae'), join('pipe_i2v_moe', 'vae')];
  for (const c of cases) {
    const d = join(GOLDEN_DIR, c);
    const skip = existsSync(join(d, 'weights.safetensors')) ? false : `no golden data at ${d}`;
    test(`${c}: exactly the tensors of the official state_dict, with their shapes`, { skip }, async () => {
      const json = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as Record<string, unknown>;
      const cfg = parseVaeConfig(json, json.dec_dim === undefined ? '2.1' : '2.2');
      const st = await SafetensorsFile.open(join(d, 'weights.safetensors'));
      try {
        const stored = new Map([...st.tensors].map(([k, v]) => [k, v.shape]));
        assert.deepEqual(new Map([...expectedVaeTensors(cfg)].sort()), new Map([...stored].sort()));
      } finally {
        await st.close();
      }
    });
  }
});

describe('other architectures run chunk by chunk and stay causal', () => {
  const variants: { name: string; cfg: VaeConfig; size: [number, number] }[] = [
    {
      name: 'v21-attn-early-time',
      cfg: {
        ...defaultConfig('2.1'),
        dim: 4,
        decDim: 4,
        numResBlocks: 1,
        attnScales: [1, 0.5],
        temperalDownsample: [true, true, false],
      },
      size: [24, 40],
    },
    {
      name: 'v22-mixed-time',
      cfg: {
        ...defaultConfig('2.2'),
        dim: 4,
        decDim: 6,
        numResBlocks: 1,
        dimMult: [1, 2, 4, 4],
        temperalDownsample: [true, false, true],
      },
      size: [32, 48],
    },
    {
      name: 'v21-one-time-level',
      cfg: {
        ...defaultConfig('2.1'),
        dim: 4,
        decDim: 4,
        dimMult: [1, 2, 4],
        temperalDownsample: [false, true],
      },
      size: [16, 8],
    },
  ];
  for (const v of variants) {
    test(`${v.name}: shapes follow the strides; a prefix of the clip gives a prefix of the result`, async () => {
      const path = await randomCheckpoint(v.cfg, v.name);
      const vae = await loadWanVae(path, { cacheDir: join(dir, 'cache') }); // architecture inferred from the tensors
      try {
        assert.deepEqual(
          { ...vae.config, latentsMean: [], latentsStd: [] },
          { ...v.cfg, latentsMean: [], latentsStd: [] },
        );
        const [ts, ss] = vae.stride;
        const [H, W] = v.size;
        const g = randn(3);
        const clip = {
          dims: [3, 13, H, W],
          data: Float32Array.from({ length: 3 * 13 * H * W }, () => Math.tanh(g())),
        };
        const latent = await vae.encode(clip);
        const lt = 1 + 12 / ts;
        assert.deepEqual(latent.dims, [vae.zDim, lt, H / ss, W / ss]);

        // Encoding the first 5 frames gives the first latent frames of the full encode, bit for bit.
        const head = await vae.encode({ dims: [3, 5, H, W], data: framesOf(clip, 5) });
        assert.deepEqual(head.data, framesOf(latent, 1 + 4 / ts));

        const video = await vae.decodeUnclamped(latent);
        assert.deepEqual(video.dims, [3, 13, H, W]);
        assert.ok(video.data.every(Number.isFinite));
        const part = await vae.decodeUnclamped({
          dims: [vae.zDim, 2, H / ss, W / ss],
          data: framesOf(latent, 2),
        });
        assert.deepEqual(part.data, framesOf(video, 1 + ts));
      } finally {
        await vae.dispose();
      }
    });
  }
});
