import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import {
  VaeError,
  defaultConfig,
  detectVaeVersion,
  findKeyPrefix,
  inferVaeConfig,
  loadWanVae,
  parseVaeConfig,
  vaeStride,
} from '../../../nodes/runtime/wan/vae';
import { GOLDEN_DIR } from '../../helpers/paths';

const readJson = (p: string): Record<string, unknown> =>
  JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
const V21 = join(GOLDEN_DIR, 'vae21');
const V22 = join(GOLDEN_DIR, 'vae22');
const TI2V_VAE = join(GOLDEN_DIR, 'pipe_ti2v', 'vae');
const skip =
  existsSync(join(V21, 'weights.safetensors')) && existsSync(join(V22, 'weights.safetensors'))
    ? false
    : 'no golden VAE data';
const cacheDir = mkdtempSync(join(tmpdir(), 'vae-config-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

async function shapesOf(path: string): Promise<Map<string, number[]>> {
  const st = await SafetensorsFile.open(path);
  try {
    return new Map([...st.tensors].map(([k, v]) => [k, v.shape]));
  } finally {
    await st.close();
  }
}

describe('VAE config.json parsing', () => {
  test('the released defaults have the pipeline strides', () => {
    assert.deepEqual(vaeStride(defaultConfig('2.1')), [4, 8, 8]);
    assert.deepEqual(vaeStride(defaultConfig('2.2')), [4, 16, 16]);
  });

  test('golden configs: every field is read, 2.1 decoder width follows dim', { skip }, () => {
    const c21 = parseVaeConfig(readJson(join(V21, 'config.json')), '2.1');
    assert.deepEqual([c21.dim, c21.decDim, c21.zDim, c21.numResBlocks, c21.patchSize], [8, 8, 16, 2, 1]);
    assert.deepEqual(c21.temperalDownsample, [false, true, true]);
    const c22 = parseVaeConfig(readJson(join(V22, 'config.json')), '2.2');
    assert.deepEqual([c22.dim, c22.decDim, c22.zDim, c22.patchSize], [8, 12, 48, 2]);
    assert.equal(c22.latentsStd.length, 48);
  });

  test('wrong values are refused with the field named', () => {
    assert.throws(
      () => parseVaeConfig({ dim: 'wide' }, '2.1', 'cfg.json'),
      /cfg\.json: "dim" must be a positive integer/,
    );
    assert.throws(
      () => parseVaeConfig({ vae_stride: [4, 16, 16] }, '2.1'),
      /"vae_stride" is \[4, 16, 16\] but .* \[4, 8, 8\]/,
    );
    assert.throws(
      () => parseVaeConfig({ temperal_downsample: [true, true, true] }, '2.1'),
      /at most 2 levels may downsample time/,
    );
    assert.throws(() => parseVaeConfig({ z_dim: 8 }, '2.1'), /16 means and 16 stds but z_dim is 8/);
    assert.throws(() => parseVaeConfig({ patch_size: 1 }, '2.2'), /patchifies by 2/);
    assert.throws(
      () => parseVaeConfig({ temperal_downsample: [false, true] }, '2.1'),
      /needs 3 entries .* got 2/,
    );
    // AvgDown3D of the last 2.2 level keeps the width: an official AssertionError, a sentence here.
    assert.throws(
      () => parseVaeConfig({ dim_mult: [1, 2, 2, 4] }, '2.2'),
      /"dim_mult" \[1, 2, 2, 4\] does not fit .* level 3/,
    );
  });
});

describe('architecture from the tensors alone', () => {
  test('inferred configs equal the golden config.json files', { skip }, async () => {
    for (const [dir, version] of [
      [V21, '2.1'],
      [V22, '2.2'],
      [TI2V_VAE, '2.2'],
    ] as const) {
      const shapes = await shapesOf(join(dir, 'weights.safetensors'));
      assert.equal(detectVaeVersion(shapes, dir), version);
      assert.deepEqual(
        inferVaeConfig(shapes, dir),
        parseVaeConfig(readJson(join(dir, 'config.json')), version),
        dir,
      );
    }
  });

  test('a common key prefix is found; a diffusers layout or another model is named as such', () => {
    const shapes = new Map([
      ['vae.decoder.head.2.weight', [3, 8, 3, 3, 3]],
      ['vae.encoder.conv1.weight', [8, 3, 3, 3, 3]],
    ]);
    assert.equal(findKeyPrefix(shapes, 'f'), 'vae.');
    assert.throws(
      () => findKeyPrefix(new Map([['decoder.conv_out.weight', [3]]]), 'x.safetensors'),
      /diffusers AutoencoderKLWan/,
    );
    assert.throws(
      () => findKeyPrefix(new Map([['blocks.0.ffn.0.weight', [3]]]), 'dit.safetensors'),
      /dit\.safetensors is not a Wan VAE checkpoint/,
    );
    assert.throws(
      () =>
        detectVaeVersion(
          new Map([
            ['encoder.conv1.weight', [8, 5, 3, 3, 3]],
            ['decoder.head.2.weight', [3]],
          ]),
          'f',
        ),
      /takes 5 input channels/,
    );
  });
});

describe('loadWanVae checks the checkpoint against the config at load time', () => {
  test('a config that does not match the weights names the tensor', { skip }, async () => {
    const wrong = { ...readJson(join(V21, 'config.json')), dim: 16 };
    await assert.rejects(
      loadWanVae(join(V21, 'weights.safetensors'), { config: wrong, cacheDir }),
      (e: unknown) =>
        e instanceof VaeError &&
        /"encoder\.conv1\.weight" has shape \[8, 3, 3, 3, 3\] but the config expects \[16, 3, 3, 3, 3\]/.test(
          e.message,
        ),
    );
  });

  test('asking for the other version, or a 2.2 config for 2.1 weights, is refused', { skip }, async () => {
    await assert.rejects(
      loadWanVae(join(V21, 'weights.safetensors'), { version: '2.2', cacheDir }),
      /holds a Wan 2\.1 VAE, but a Wan 2\.2 VAE was asked for/,
    );
    await assert.rejects(
      loadWanVae(join(V21, 'weights.safetensors'), { config: join(V22, 'config.json'), cacheDir }),
      /describes a Wan 2\.2 VAE but .* holds a Wan 2\.1 VAE/,
    );
  });

  test('inputs of the wrong shape are refused before any model runs', { skip }, async () => {
    const vae = await loadWanVae(join(V22, 'weights.safetensors'), { cacheDir });
    try {
      await assert.rejects(
        vae.encode({ dims: [3, 1, 40, 64], data: new Float32Array(3 * 40 * 64) }),
        /multiples of 16; got 64×40/,
      );
      await assert.rejects(
        vae.decode({ dims: [16, 1, 2, 2], data: new Float32Array(64) }),
        /takes a latent \[48, F, h, w\]; got \[16, 1, 2, 2\]/,
      );
    } finally {
      await vae.dispose();
    }
  });
});
