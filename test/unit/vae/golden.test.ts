import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { compareTensors, debugTolerance, maxAbsValue } from '../../../nodes/runtime/verify/compare';
import {
  isDebugOutput,
  parseManifest,
  toleranceFor,
  type Tolerance,
} from '../../../nodes/runtime/verify/manifest';
import { run } from '../../../nodes/runtime/verify/runners/vae';
import type { CaseContext } from '../../../nodes/runtime/verify/types';
import { loadWanVae } from '../../../nodes/runtime/wan/vae';
import { GOLDEN_DIR } from '../../helpers/paths';

const cacheDir = mkdtempSync(join(tmpdir(), 'vae-golden-'));
process.env.WAN_STUDIO_VERIFY_CACHE = cacheDir;
after(() => rmSync(cacheDir, { recursive: true, force: true }));

const readJson = (p: string): unknown => JSON.parse(readFileSync(p, 'utf8')) as unknown;
const skipUnless = (dir: string): false | string =>
  existsSync(join(dir, 'io.safetensors')) ? false : `no golden data at ${dir}`;
const INPUTS = new Set(['enc_video', 'dec_latent']);

/** A pipeline case's tolerance for one output (read raw: those manifests carry extra fields). */
function pipeTolerance(dir: string, key: string): Tolerance {
  const m = readJson(join(dir, 'manifest.json')) as {
    tolerance: Tolerance;
    tolerance_per_output?: Record<string, Tolerance>;
  };
  return m.tolerance_per_output?.[key] ?? m.tolerance;
}

/** An fp32 port of the official VAE lands within a few 1e-6 (golden README); far below the tolerance. */
const FP32_PORT = 5e-5;

describe('Wan VAE golden cases (official chunked causal-cache encode / decode)', () => {
  for (const name of ['vae21', 'vae22']) {
    const dir = join(GOLDEN_DIR, name);
    test(
      `${name}: every output of the verify runner is within tolerance`,
      { skip: skipUnless(dir) },
      async () => {
        const manifest = parseManifest(join(dir, 'manifest.json'), readJson(join(dir, 'manifest.json')));
        const io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
        try {
          const ctx: CaseContext = { dir, manifest, io, config: readJson(join(dir, 'config.json')) };
          const actual = await run(ctx);
          const keys = [...io.tensors.keys()].filter((k) => !INPUTS.has(k));
          assert.ok(keys.includes('roundtrip_video') && keys.includes('dec_video_unclamped'));
          let mainMax = 0;
          for (const k of keys)
            if (!isDebugOutput(k)) mainMax = Math.max(mainMax, maxAbsValue(await io.readF32(k)));
          for (const key of keys) {
            const got = actual.get(key);
            assert.ok(got, `the runner did not produce "${key}"`);
            const expected = await io.readF32(key);
            const tol = isDebugOutput(key)
              ? debugTolerance(manifest.tolerance, mainMax, maxAbsValue(expected))
              : toleranceFor(manifest, key);
            const r = compareTensors(got, expected, io.info(key).shape, tol);
            assert.ok(r.pass, `${name}.${key}: ${r.reason}`);
            assert.ok(
              r.maxAbs < FP32_PORT,
              `${name}.${key}: max |error| ${r.maxAbs} is larger than an fp32 port gives`,
            );
          }
        } finally {
          await io.close();
        }
      },
    );
  }

  // Non-square sizes, a single-frame encode and a config inferred from the tensors alone, on the
  // pipeline cases' narrower VAEs.
  const i2v = join(GOLDEN_DIR, 'pipe_i2v_moe');
  test(
    'pipe_i2v_moe VAE (2.1, 64×32): the image latent in y and the decoded video',
    { skip: skipUnless(i2v) },
    async () => {
      const io = await SafetensorsFile.open(join(i2v, 'io.safetensors'));
      const vae = await loadWanVae(join(i2v, 'vae', 'weights.safetensors'), { cacheDir }); // no config: inferred
      try {
        assert.equal(vae.version, '2.1');
        assert.deepEqual(vae.stride, [4, 8, 8]);
        const image = await io.readF32('image');
        const hw = 64 * 32;
        const clip = new Float32Array(3 * 9 * hw); // [image, 8 black frames], as image2video.py builds it
        for (let c = 0; c < 3; c++) clip.set(image.subarray(c * hw, (c + 1) * hw), c * 9 * hw);
        const latent = await vae.encode({ dims: [3, 9, 64, 32], data: clip });
        assert.deepEqual(latent.dims, [16, 3, 8, 4]);
        const y = await io.readF32('y');
        const r = compareTensors(
          latent.data,
          y.subarray(4 * 3 * 8 * 4),
          [16, 3, 8, 4],
          pipeTolerance(i2v, 'y'),
        );
        assert.ok(r.pass, `y[4:]: ${r.reason}`);
        const video = await vae.decode({ dims: [16, 3, 8, 4], data: await io.readF32('final_latent') });
        assert.deepEqual(video.dims, [3, 9, 64, 32]);
        const rv = compareTensors(
          video.data,
          await io.readF32('video'),
          [3, 9, 64, 32],
          pipeTolerance(i2v, 'video'),
        );
        assert.ok(rv.pass, `video: ${rv.reason}`);
        assert.ok(r.maxAbs < FP32_PORT && rv.maxAbs < FP32_PORT, `errors ${r.maxAbs} / ${rv.maxAbs}`);
      } finally {
        await vae.dispose();
        await io.close();
      }
    },
  );

  const ti2v = join(GOLDEN_DIR, 'pipe_ti2v');
  test(
    'pipe_ti2v VAE (2.2, 96×64): single-frame encode z and the decoded video',
    { skip: skipUnless(ti2v) },
    async () => {
      const io = await SafetensorsFile.open(join(ti2v, 'io.safetensors'));
      const vae = await loadWanVae(join(ti2v, 'vae', 'weights.safetensors'), {
        config: join(ti2v, 'vae', 'config.json'),
        cacheDir,
      });
      try {
        assert.equal(vae.version, '2.2');
        assert.deepEqual(vae.stride, [4, 16, 16]);
        const z = await vae.encode({ dims: [3, 1, 64, 96], data: await io.readF32('i2v.image') });
        assert.deepEqual(z.dims, [48, 1, 4, 6]);
        const rz = compareTensors(
          z.data,
          await io.readF32('i2v.z'),
          [48, 1, 4, 6],
          pipeTolerance(ti2v, 'i2v.z'),
        );
        assert.ok(rz.pass, `i2v.z: ${rz.reason}`);
        const video = await vae.decode({ dims: [48, 3, 4, 6], data: await io.readF32('t2v.final_latent') });
        const rv = compareTensors(
          video.data,
          await io.readF32('t2v.video'),
          [3, 9, 64, 96],
          pipeTolerance(ti2v, 't2v.video'),
        );
        assert.ok(rv.pass, `t2v.video: ${rv.reason}`);
        assert.ok(rz.maxAbs < FP32_PORT && rv.maxAbs < FP32_PORT, `errors ${rz.maxAbs} / ${rv.maxAbs}`);
      } finally {
        await vae.dispose();
        await io.close();
      }
    },
  );

  const v22 = join(GOLDEN_DIR, 'vae22');
  test(
    'lowMemory: the first-chunk session is re-created per call and results do not change',
    { skip: skipUnless(v22) },
    async () => {
      const manifest = parseManifest(join(v22, 'manifest.json'), readJson(join(v22, 'manifest.json')));
      const io = await SafetensorsFile.open(join(v22, 'io.safetensors'));
      const vae = await loadWanVae(join(v22, 'weights.safetensors'), { cacheDir, lowMemory: true });
      try {
        const latent = { dims: io.info('dec_latent').shape, data: await io.readF32('dec_latent') };
        const first = await vae.decode(latent);
        const second = await vae.decode(latent);
        assert.deepEqual(second.data, first.data);
        const r = compareTensors(
          second.data,
          await io.readF32('dec_video'),
          io.info('dec_video').shape,
          toleranceFor(manifest, 'dec_video'),
        );
        assert.ok(r.pass, `dec_video: ${r.reason}`);
      } finally {
        await vae.dispose();
        await io.close();
      }
    },
  );

  const v21 = join(GOLDEN_DIR, 'vae21');
  test(
    'decode reports progress per latent frame, streams chunks and stops when aborted',
    { skip: skipUnless(v21) },
    async () => {
      const io = await SafetensorsFile.open(join(v21, 'io.safetensors'));
      const vae = await loadWanVae(join(v21, 'weights.safetensors'), {
        config: join(v21, 'config.json'),
        cacheDir,
      });
      try {
        const latent = { dims: io.info('dec_latent').shape, data: await io.readF32('dec_latent') };
        const steps: string[] = [];
        const starts: number[] = [];
        const frames: Float32Array[] = [];
        const video = await vae.decode(latent, {
          onProgress: (p) => steps.push(`${p.step}/${p.total}`),
          onFrames: (t, start) => {
            starts.push(start);
            frames.push(t.data);
            assert.deepEqual(t.dims, [3, start === 0 ? 1 : 4, 32, 32]);
          },
        });
        assert.deepEqual(steps, ['1/3', '2/3', '3/3']);
        assert.deepEqual(starts, [0, 1, 5]);
        // The streamed chunks are exactly the frames of the returned video.
        const hw = 32 * 32;
        const last = frames[2];
        for (let c = 0; c < 3; c++) {
          assert.deepEqual(
            last.subarray(c * 4 * hw, (c + 1) * 4 * hw),
            video.data.subarray((c * 9 + 5) * hw, (c * 9 + 9) * hw),
          );
        }

        const ac = new AbortController();
        const seen: number[] = [];
        const aborted = vae.decode(latent, {
          signal: ac.signal,
          onProgress: (p) => {
            seen.push(p.step);
            if (p.step === 1) ac.abort(new Error('stop here'));
          },
        });
        await assert.rejects(aborted, /stop here/);
        assert.deepEqual(seen, [1], 'no chunk runs after the abort');
      } finally {
        await vae.dispose();
        await io.close();
      }
    },
  );
});
