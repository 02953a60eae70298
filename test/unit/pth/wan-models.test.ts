// The Wan model loaders on torch.save .pth checkpoints (as the official Wan 2.2 release ships the
// umT5 encoder and the VAEs): the golden weights re-packed as .pth (F32 and BF16, plain and wrapped
// in a `state_dict` dict) give the same outputs as the safetensors originals on the golden inputs.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../../../nodes/sdk';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { compareTensors } from '../../../nodes/runtime/verify/compare';
import { parseManifest, toleranceFor } from '../../../nodes/runtime/verify/manifest';
import { loadWanDit } from '../../../nodes/runtime/wan/dit/model';
import { loadUmt5 } from '../../../nodes/runtime/wan/t5/encoder';
import { loadWanVae } from '../../../nodes/runtime/wan/vae';
import { GOLDEN_DIR } from '../../helpers/paths';
import { repackAsPth, repackAsSafetensors } from './repack';
import type { RepackOptions } from './repack';

const skip = existsSync(join(GOLDEN_DIR, 'dit_t2v_bf16', 'io.safetensors'))
  ? false
  : `no golden data at ${GOLDEN_DIR}`;
const work = mkdtempSync(join(tmpdir(), 'pth-wan-models-'));
const cacheDir = join(work, 'onnx');
after(() => rmSync(work, { recursive: true, force: true }));

const weights = (c: string): string => join(GOLDEN_DIR, c, 'weights.safetensors');
const configOf = (c: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(GOLDEN_DIR, c, 'config.json'), 'utf8')) as Record<string, unknown>;
let n = 0;

/** A .pth re-pack of a golden case in its own folder, with the case's config.json beside it. */
async function pthOf(c: string, opts: RepackOptions = {}): Promise<string> {
  const dir = join(work, `${n++}-${c}`);
  mkdirSync(dir);
  copyFileSync(join(GOLDEN_DIR, c, 'config.json'), join(dir, 'config.json'));
  const p = join(dir, 'model.pth');
  await repackAsPth(weights(c), p, opts);
  return p;
}

async function io(c: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(join(GOLDEN_DIR, c, 'io.safetensors'));
}
async function tensor(f: SafetensorsFile, name: string): Promise<Tensor> {
  return { dims: f.info(name).shape, data: await f.readF32(name) };
}

/** Largest |a - b|; the shapes must agree. */
function maxDiff(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.dims, b.dims);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** The .pth output is within the case's tolerance of the official one (as the original's is). */
async function assertGolden(c: string, f: SafetensorsFile, key: string, got: Tensor): Promise<void> {
  const file = join(GOLDEN_DIR, c, 'manifest.json');
  const m = parseManifest(file, JSON.parse(readFileSync(file, 'utf8')));
  const r = compareTensors(got.data, await f.readF32(key), f.info(key).shape, toleranceFor(m, key));
  assert.ok(r.pass, `${c}.${key}: ${r.reason}`);
}

describe('loadUmt5 on .pth', { skip }, () => {
  async function encode(path: string, ids: BigInt64Array, mask: BigInt64Array, shape: [number, number]) {
    const t5 = await loadUmt5(path, { cacheDir, threads: 1 });
    try {
      return await t5.encode(ids, mask, shape);
    } finally {
      await t5.dispose();
    }
  }

  test('F32, BF16 and state_dict-wrapped .pth give the safetensors outputs', async () => {
    const f = await io('t5');
    try {
      const ids = await f.readI64('ids');
      const mask = await f.readI64('mask');
      const shape = f.info('ids').shape as [number, number];
      const original = await encode(weights('t5'), ids, mask, shape);
      const plain = await encode(await pthOf('t5'), ids, mask, shape);
      assert.ok(maxDiff(plain, original) <= 1e-6);
      await assertGolden('t5', f, 'hidden', plain);

      const wrapped = await encode(await pthOf('t5', { wrap: ['state_dict'] }), ids, mask, shape);
      assert.ok(maxDiff(wrapped, original) <= 1e-6);

      // the official umT5 file is BF16: compare with a BF16 safetensors holding the same bits
      const bf16Pth = await pthOf('t5', { bf16: true });
      const bf16St = join(work, `${n++}-t5-bf16`);
      mkdirSync(bf16St);
      copyFileSync(join(GOLDEN_DIR, 't5', 'config.json'), join(bf16St, 'config.json'));
      await repackAsSafetensors(weights('t5'), join(bf16St, 'model.safetensors'), true);
      const a = await encode(bf16Pth, ids, mask, shape);
      const b = await encode(join(bf16St, 'model.safetensors'), ids, mask, shape);
      assert.ok(maxDiff(a, b) <= 1e-6);
      assert.ok(maxDiff(a, original) > 0, 'the BF16 weights were really used');
    } finally {
      await f.close();
    }
  });
});

describe('loadWanVae on .pth', { skip }, () => {
  async function run(c: string, path: string, f: SafetensorsFile) {
    const vae = await loadWanVae(path, { config: configOf(c), cacheDir, threads: 1 });
    try {
      return {
        version: vae.version,
        latent: await vae.encode(await tensor(f, 'enc_video')),
        video: await vae.decode(await tensor(f, 'dec_latent')),
      };
    } finally {
      await vae.dispose();
    }
  }

  for (const [c, version] of [
    ['vae21', '2.1'],
    ['vae22', '2.2'],
  ] as const) {
    test(`${c}: encode and decode from the .pth (plain and state_dict-wrapped) match the safetensors`, async () => {
      const f = await io(c);
      try {
        const original = await run(c, weights(c), f);
        for (const path of [await pthOf(c), await pthOf(c, { wrap: ['state_dict'] })]) {
          const got = await run(c, path, f);
          assert.equal(got.version, version);
          assert.ok(maxDiff(got.latent, original.latent) <= 1e-6, `${path}: latent`);
          assert.ok(maxDiff(got.video, original.video) <= 1e-6, `${path}: video`);
          await assertGolden(c, f, 'enc_latent', got.latent);
          await assertGolden(c, f, 'dec_video', got.video);
        }
      } finally {
        await f.close();
      }
    });
  }
});

describe('loadWanDit on .pth', { skip }, () => {
  async function forward(c: string, path: string, f: SafetensorsFile): Promise<Tensor> {
    const dit = await loadWanDit(path, { config: configOf(c), cacheDir, threads: 1 });
    try {
      const t = f.info('t').dtype === 'I64' ? Number((await f.readI64('t'))[0]) : (await f.readF32('t'))[0];
      return await dit.forward({ x: await tensor(f, 'x'), context: await tensor(f, 'context'), t });
    } finally {
      await dit.dispose();
    }
  }

  for (const [c, wrap] of [
    ['dit_t2v', ['ema']],
    ['dit_t2v_bf16', ['state_dict']],
  ] as const) {
    test(`${c}: the .pth (plain and under "${wrap[0]}") gives the safetensors velocity`, async () => {
      const f = await io(c);
      try {
        const original = await forward(c, weights(c), f);
        for (const path of [await pthOf(c), await pthOf(c, { wrap: [...wrap] })]) {
          const got = await forward(c, path, f);
          assert.ok(maxDiff(got, original) <= 1e-6, path);
          await assertGolden(c, f, 'out', got);
        }
      } finally {
        await f.close();
      }
    });
  }
});
