/**
 * The official Wan 2.2 release ships the umT5 encoder and the VAEs as PyTorch .pth files: a whole
 * T2V workflow through the engine with .pth text encoder, VAE and diffusion model files gives the
 * same frames as with the .safetensors files, and a hostile .pth given to Load VAE fails the run
 * with a message naming the file, without running anything.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../nodes/engine/engine';
import { createRegistry } from '../../../nodes/host/engine-factory';
import { wanLoadDiffusionModel } from '../../../nodes/defs/wan-load-diffusion-model';
import { wanLoadTextEncoder } from '../../../nodes/defs/wan-load-text-encoder';
import { wanLoadVae } from '../../../nodes/defs/wan-load-vae';
import { defaultSettings } from '../../../nodes/host/settings';
import { StudioHost } from '../../../nodes/host/studio-host';
import type { WorkflowDocument } from '../../../workflows/schema';
import { OP, PickleAsm, torchSaveRecords, zipBytes, FxOrderedDict, fxTensor } from '../../unit/pth/fixture';
import { repackAsPth } from '../../unit/pth/repack';
import { doc, tinyDitConfig, writeModelRoot, writeTinyDit } from './fixtures';

let dir: string;
let engine: Engine;
let marker: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wan-pth-'));
  const models = join(dir, 'models');
  await writeModelRoot(models);
  const te = join(models, 'text_encoders', 'tiny-umt5');
  await repackAsPth(join(te, 'umt5.safetensors'), join(te, 'models_t5_umt5-xxl-enc-bf16.pth'));
  const vae = join(models, 'vae');
  await repackAsPth(join(vae, 'tiny_wan21_vae.safetensors'), join(vae, 'Wan2.1_VAE.pth'));
  const dm = join(models, 'diffusion_models');
  const dit = await writeTinyDit(join(dm, 't2v'), 'model', tinyDitConfig('t2v'), { seed: 7 });
  // the DiT as a wrapped checkpoint ({"state_dict": ..., "epoch": 3}), as training code saves it
  await repackAsPth(dit, join(dm, 't2v', 'model.pth'), { wrap: ['state_dict'] });

  // A .pth whose pickle would run `touch <marker>` through os.system if it were unpickled.
  marker = join(dir, 'PWNED');
  const pkl = new PickleAsm()
    .proto(2)
    .global('os', 'system')
    .binunicode(`touch ${marker}`)
    .op(OP.TUPLE1)
    .op(OP.REDUCE)
    .stop()
    .bytes();
  const decoy = new FxOrderedDict([['decoder.head.2.weight', fxTensor('F32', [2], [1, 2])]]);
  writeFileSync(join(vae, 'evil_vae.pth'), zipBytes(torchSaveRecords(decoy, { pkl })));

  engine = new Engine({
    registry: createRegistry(),
    outputDir: join(dir, 'out'),
    diskCache: false,
    tempRoot: join(dir, 'tmp'),
    folders: {
      diffusion_models: [dm],
      text_encoders: [join(models, 'text_encoders')],
      vae: [vae],
      tokenizers: [join(models, 'tokenizers')],
    },
    settings: { executionProvider: 'cpu', threads: 1, onnxCacheDir: join(dir, 'onnx') },
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
});

after(async () => {
  await engine.models.releaseAll();
  rmSync(dir, { recursive: true, force: true });
});

function t2v(files: { te: string; vae: string; model: string }, prefix: string): WorkflowDocument {
  const nodes: Record<string, [string, Record<string, string | number | boolean>]> = {
    te: ['wan.load_text_encoder', { text_encoder: files.te, tokenizer: 'umt5-xxl' }],
    vae: ['wan.load_vae', { vae: files.vae }],
    model: ['wan.load_diffusion_model', { model: files.model }],
    prompt: ['wan.text_encode', { prompt: 'a red car on a wet street' }],
    latent: ['wan.empty_latent', { width: 32, height: 32, frames: 5 }],
    sched: ['wan.flow_scheduler', { solver: 'unipc', steps: 3, shift: 5 }],
    sampler: ['wan.sampler', { seed: 5, guidance: 4 }],
    decode: ['wan.vae_decode', {}],
    save: ['image.save_frames', { filename_prefix: prefix }],
  };
  const edges: Array<[string, string, string, string]> = [
    ['te', 'text_encoder', 'prompt', 'text_encoder'],
    ['prompt', 'conditioning', 'sampler', 'positive'],
    ['model', 'model', 'sampler', 'model'],
    ['latent', 'latent', 'sampler', 'latent'],
    ['sched', 'schedule', 'sampler', 'schedule'],
    ['vae', 'vae', 'latent', 'vae'],
    ['vae', 'vae', 'decode', 'vae'],
    ['sampler', 'latent', 'decode', 'latent'],
    ['decode', 'images', 'save', 'images'],
  ];
  return doc(nodes, edges);
}

/** The PNG frames a run saved, in order. */
function frames(folder: string): Buffer[] {
  return readdirSync(folder)
    .sort()
    .map((f) => readFileSync(join(folder, f)));
}

describe('Wan .pth checkpoints through the Load nodes', () => {
  test('the Load nodes offer .pth / .pt files next to .safetensors', () => {
    for (const spec of [
      wanLoadTextEncoder.inputs.text_encoder,
      wanLoadVae.inputs.vae,
      wanLoadDiffusionModel.inputs.model,
    ])
      assert.deepEqual(spec.extensions, ['.safetensors', '.pth', '.pt']);
  });

  test("the host's file lists offer the .pth VAEs next to the .safetensors ones", async () => {
    const host = await StudioHost.create({
      dataDir: join(dir, 'host'),
      settings: {
        ...defaultSettings(dir),
        modelDirs: [join(dir, 'models')],
        outputDir: join(dir, 'out'),
        inputDir: join(dir, 'in'),
        diskCacheDir: join(dir, 'cache'),
      },
    });
    try {
      const names = (await host.handle('files.list', { folder: 'vae' })).map((f) => f.name);
      assert.deepEqual(names, [
        'Wan2.1_VAE.pth',
        'evil_vae.pth',
        'tiny_wan21_vae.safetensors',
        'tiny_wan22_vae.safetensors',
      ]);
    } finally {
      await host.close();
    }
  });

  test('T2V with .pth text encoder, VAE and (state_dict-wrapped) DiT gives the safetensors frames', async () => {
    const st = await engine.run(
      t2v(
        {
          te: 'tiny-umt5/umt5.safetensors',
          vae: 'tiny_wan21_vae.safetensors',
          model: 't2v/model.safetensors',
        },
        'st',
      ),
    );
    assert.ok(st.ok, st.error?.message);
    const pth = await engine.run(
      t2v(
        { te: 'tiny-umt5/models_t5_umt5-xxl-enc-bf16.pth', vae: 'Wan2.1_VAE.pth', model: 't2v/model.pth' },
        'pth',
      ),
    );
    assert.ok(pth.ok, pth.error?.message);
    // every model node ran again on the new files (nothing came from the safetensors run's cache)
    for (const id of ['te', 'vae', 'model', 'prompt', 'sampler'])
      assert.equal(pth.nodes[id]?.status, 'ran', `${id} ran on the .pth files`);
    const a = frames(st.outputs[0].path);
    const b = frames(pth.outputs[0].path);
    assert.equal(a.length, 5);
    assert.equal(b.length, 5);
    b.forEach((png, i) => assert.ok(png.equals(a[i]), `frame ${i + 1} differs`));
  });

  test('a hostile .pth given to Load VAE fails the run, naming the file; nothing executes', async () => {
    const r = await engine.run(
      t2v({ te: 'tiny-umt5/umt5.safetensors', vae: 'evil_vae.pth', model: 't2v/model.safetensors' }, 'evil'),
    );
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'node_failed');
    assert.equal(r.error?.node, 'vae');
    assert.match(
      r.error.message,
      /[/\\]vae[/\\]evil_vae\.pth: refuses to load: the pickle references os\.system, which could run code/,
    );
    assert.equal(existsSync(marker), false, 'the pickle did not run');
    assert.equal(r.nodes.sampler, undefined, 'the sampler never ran');
    assert.ok(!existsSync(join(dir, 'out', 'evil_00001')), 'no frames were written');
  });
});
