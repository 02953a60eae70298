// Layout detection on torch.save .pth checkpoints: the golden weights re-packed as .pth (F32 and
// BF16, plain and wrapped in `state_dict` / `module` dicts) give the same kind, layout, config and
// tensor bytes as the safetensors originals.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PthFile } from '../../../nodes/runtime/pth/reader';
import { SafetensorsError } from '../../../nodes/runtime/safetensors/reader';
import {
  detectDitLayout,
  findWrapperPrefix,
  inspectCheckpoint,
  isDitKeySet,
  officialDitKeys,
} from '../../../nodes/runtime/wan/layout/index';
import type { CheckpointInfo } from '../../../nodes/runtime/wan/layout/index';
import { GOLDEN_DIR } from '../../helpers/paths';
import { repackAsPth, repackAsSafetensors } from '../pth/repack';
import type { RepackOptions } from '../pth/repack';

const skip = existsSync(join(GOLDEN_DIR, 'dit_t2v_comfy')) ? false : `no golden data at ${GOLDEN_DIR}`;
const weights = (c: string): string => join(GOLDEN_DIR, c, 'weights.safetensors');

let work: string;
let n = 0;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'wan-layout-pth-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** `<work>/<k>/<name>` re-packed from a golden case, with the case's config.json beside it. */
async function pthOf(c: string, opts: RepackOptions = {}, name = 'model.pth'): Promise<string> {
  const dir = join(work, `${n++}-${c}`);
  mkdirSync(dir);
  copyFileSync(join(GOLDEN_DIR, c, 'config.json'), join(dir, 'config.json'));
  const p = join(dir, name);
  await repackAsPth(weights(c), p, opts);
  return p;
}

/** Same kind, layout, config, official names and tensor bytes; file keys are `prefix + original`. */
async function assertSameCheckpoint(a: CheckpointInfo, b: CheckpointInfo, prefix = ''): Promise<void> {
  assert.equal(a.kind, b.kind);
  assert.equal(a.layout, b.layout);
  assert.deepEqual(a.config, b.config);
  assert.deepEqual([...a.toOfficial.keys()], [...b.toOfficial.keys()]);
  for (const [official, key] of b.toOfficial) {
    assert.equal(a.toOfficial.get(official), prefix + key);
    const la = a.locate(official);
    const lb = b.locate(official);
    assert.deepEqual([la.info.dtype, la.info.shape], [lb.info.dtype, lb.info.shape], official);
    assert.ok((await la.file.readRaw(la.key)).equals(await lb.file.readRaw(lb.key)), `${official} bytes`);
  }
}

async function inspectBoth(
  pth: string,
  original: string,
  check: (p: CheckpointInfo, o: CheckpointInfo) => Promise<void>,
): Promise<void> {
  const p = await inspectCheckpoint(pth);
  const o = await inspectCheckpoint(original);
  try {
    assert.ok(p.file instanceof PthFile, 'the .pth is read by the pth reader');
    await check(p, o);
  } finally {
    await Promise.all([p.close(), o.close()]);
  }
}

describe('inspectCheckpoint on .pth re-packs of the golden checkpoints', { skip }, () => {
  for (const c of ['t5', 'vae21', 'vae22', 'dit_t2v', 'dit_t2v_bf16', 'dit_t2v_comfy', 'dit_t2v_diffusers']) {
    test(`${c}: same kind, layout, config, names and bytes as the safetensors original`, async () => {
      await inspectBoth(await pthOf(c), weights(c), async (p, o) => {
        await assertSameCheckpoint(p, o);
        assert.equal(p.configSource.endsWith('config.json'), o.configSource.endsWith('config.json'));
      });
    });
  }

  test('BF16 .pth (as the official umT5 file) matches a BF16 safetensors with the same bits', async () => {
    for (const c of ['t5', 'vae22']) {
      const p = await pthOf(c, { bf16: true });
      const st = join(dirname(p), 'model.safetensors'); // beside the same config.json
      await repackAsSafetensors(weights(c), st, true);
      await inspectBoth(p, st, async (a, b) => {
        assert.ok([...a.files[0].tensors.values()].every((t) => t.dtype === 'BF16'));
        assert.deepEqual(a.config, b.config);
        await assertSameCheckpoint(a, b);
      });
    }
  });

  test('a config is inferred from the .pth tensor shapes alone, as from the safetensors', async () => {
    const p = join(work, 'bare-vae21.pth');
    await repackAsPth(weights('vae21'), p);
    const bare = await inspectCheckpoint(p);
    const o = await inspectCheckpoint(weights('vae21'));
    assert.equal(bare.configSource, 'tensor shapes');
    assert.deepEqual(bare.config, o.config);
    await Promise.all([bare.close(), o.close()]);
  });
});

describe('wrapped checkpoints (one common prefix in front of every key)', { skip }, () => {
  const cases: Array<[string, string[], string]> = [
    ['t5', ['state_dict'], 'state_dict.'],
    ['vae21', ['model'], 'model.'],
    ['vae22', ['state_dict', 'module'], 'state_dict.module.'],
    ['dit_t2v', ['ema'], 'ema.'],
    ['dit_t2v_comfy', ['state_dict'], 'state_dict.'],
    ['dit_t2v_diffusers', ['module'], 'module.'],
  ];
  for (const [c, wrap, prefix] of cases) {
    test(`${c} under ${wrap.map((w) => `"${w}"`).join(' / ')}: the wrapper is looked through`, async () => {
      const p = await pthOf(c, { wrap });
      const pf = await PthFile.open(p);
      assert.ok([...pf.tensors.keys()].every((k) => k.startsWith(prefix)));
      assert.equal(pf.metadata.epoch, '3', 'scalars next to the state dict are metadata');
      await pf.close();
      await inspectBoth(p, weights(c), (a, b) => assertSameCheckpoint(a, b, prefix));
    });
  }

  test('the expected kind is still enforced, and errors name the file', async () => {
    const p = await pthOf('vae21', { wrap: ['state_dict'] });
    await assert.rejects(
      inspectCheckpoint(p, { expectKind: 't5' }),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        e.message.startsWith(p) &&
        /this is a VAE checkpoint, but a umT5 text encoder was expected/.test(e.message),
    );
  });

  test('a wrapper over unknown tensors is not a Wan checkpoint (the real keys are listed)', async () => {
    const p = await pthOf('t5', { wrap: ['state_dict'], rename: (k) => `foo_${k}` });
    await assert.rejects(
      inspectCheckpoint(p),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        /not a recognised Wan checkpoint/.test(e.message) &&
        e.message.includes('"state_dict.foo_token_embedding.weight"'),
    );
  });

  test('a problem below the wrapper names where the tensors sit', async () => {
    // drop the VAE head: the message names the missing tensor and the wrapper it was looked for under
    const p = await pthOf('vae21', {
      wrap: ['state_dict'],
      rename: (k) => (k === 'decoder.head.0.gamma' ? 'decoder.head.0.gamma_renamed' : k),
    });
    await assert.rejects(inspectCheckpoint(p), (e: unknown) => {
      assert.ok(e instanceof SafetensorsError);
      assert.match(e.message, /tensors under "state_dict\."/);
      assert.ok(e.message.startsWith(p));
      return true;
    });
  });
});

describe('findWrapperPrefix / detectDitLayout with wrappers', () => {
  const dit = officialDitKeys(1, true, true);
  const isDit = (s: ReadonlySet<string>): boolean => isDitKeySet(s);

  test('keys recognised as they are keep no prefix (ComfyUI "model.diffusion_model." is a layout)', () => {
    assert.equal(findWrapperPrefix(dit, isDit), '');
    assert.equal(
      findWrapperPrefix(
        dit.map((k) => `model.diffusion_model.${k}`),
        isDit,
      ),
      '',
    );
    // a Hugging Face T5 file without "shared.weight" has every key under "encoder.": recognised as is
    const hf = ['encoder.block.0.layer.0.SelfAttention.q.weight', 'encoder.final_layer_norm.weight'];
    assert.equal(
      findWrapperPrefix(hf, (s) => s.has('encoder.block.0.layer.0.SelfAttention.q.weight')),
      '',
    );
  });

  test('one or two levels of wrapper are stripped, a third is not', () => {
    assert.equal(
      findWrapperPrefix(
        dit.map((k) => `state_dict.${k}`),
        isDit,
      ),
      'state_dict.',
    );
    assert.equal(
      findWrapperPrefix(
        dit.map((k) => `a.b.${k}`),
        isDit,
      ),
      'a.b.',
    );
    assert.equal(
      findWrapperPrefix(
        dit.map((k) => `a.b.c.${k}`),
        isDit,
      ),
      '',
    );
  });

  test('keys without one common first segment are not unwrapped', () => {
    const mixed = [...dit.map((k) => `state_dict.${k}`), 'optimizer.step'];
    assert.equal(findWrapperPrefix(mixed, isDit), '');
    assert.equal(findWrapperPrefix([], isDit), '');
  });

  test('detectDitLayout maps official names to the wrapped file keys, in every layout', () => {
    const off = detectDitLayout(
      'f',
      dit.map((k) => `state_dict.${k}`),
    );
    assert.equal(off.layout, 'official');
    assert.equal(off.toOfficial.get('head.modulation'), 'state_dict.head.modulation');
    const comfy = detectDitLayout(
      'f',
      dit.map((k) => `module.model.diffusion_model.${k}`),
    );
    assert.equal(comfy.layout, 'comfy');
    assert.equal(
      comfy.toOfficial.get('blocks.0.self_attn.q.weight'),
      'module.model.diffusion_model.blocks.0.self_attn.q.weight',
    );
    // the unwrapped behaviour is unchanged
    assert.equal(detectDitLayout('f', dit).toOfficial.get('head.modulation'), 'head.modulation');
  });
});
