import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import {
  GraphBuilder,
  attr,
  cachedModel,
  createSession,
  decodeModel,
  ort,
} from '../../../nodes/runtime/onnx';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import type { StDtype } from '../../../nodes/runtime/safetensors/reader';

const dir = await mkdtemp(join(tmpdir(), 'onnx-builder-'));
after(() => rm(dir, { recursive: true, force: true }));

// y = x @ W + b with W [3, 2], b [2]; values exactly representable in f16 and bf16.
const W = [0.5, -1.25, 2, 0.75, -0.375, 1.5];
const B = [0.125, -2];
const X = [1, 2, 3, -1, 0.5, 4];
function expected(): number[] {
  const out: number[] = [];
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) {
      let s = B[c];
      for (let k = 0; k < 3; k++) s += X[r * 3 + k] * W[k * 2 + c];
      out.push(s);
    }
  return out;
}

async function weightsFile(dtype: StDtype): Promise<SafetensorsFile> {
  const path = join(dir, `w_${dtype}.safetensors`);
  // A leading tensor so the weights sit at a non-zero, unaligned offset.
  await writeSafetensors(path, {
    pad: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) },
    'layer.weight': { dtype, shape: [3, 2], data: W },
    'layer.bias': { dtype, shape: [2], data: B },
  });
  return SafetensorsFile.open(path);
}

function buildLinear(file: SafetensorsFile): GraphBuilder {
  const g = new GraphBuilder({ name: 'linear' });
  const x = g.input('x', 'float32', ['rows', 3]);
  const w = g.weight(file, 'layer.weight');
  const b = g.weight(file, 'layer.bias');
  g.output(g.op('Add', [g.op('MatMul', [x, w]), b]), 'y', { dims: ['rows', 2] });
  return g;
}

void describe('GraphBuilder + external safetensors weights', () => {
  for (const dtype of ['F32', 'F16', 'BF16'] as const) {
    void test(`MatMul+Add with ${dtype} weights read in place from the safetensors file`, async () => {
      const file = await weightsFile(dtype);
      const cacheDir = join(dir, `cache_${dtype}`);
      const first = await cachedModel({
        cacheDir,
        weightFiles: [file.path],
        key: { t: 'linear' },
        build: () => buildLinear(file),
      });
      assert.equal(first.reused, false);
      const s = await createSession(first.path, { threads: 1 });
      const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(X), [2, 3]) })).y;
      assert.deepEqual(y.dims, [2, 2]);
      assert.deepEqual(Array.from(y.data as Float32Array), expected());
      await s.release();
      // The weights are hard-linked next to the model, not copied.
      const linked = (await stat(join(first.path, '..', `w0-w_${dtype}.safetensors`))).ino;
      assert.equal(linked, (await stat(file.path)).ino);
      // A second load with the same weights and key reuses the .onnx without building.
      const second = await cachedModel({
        cacheDir,
        weightFiles: [file.path],
        key: { t: 'linear' },
        build: () => assert.fail('must not rebuild'),
      });
      assert.equal(second.reused, true);
      assert.equal(second.path, first.path);
      const other = await cachedModel({
        cacheDir,
        weightFiles: [file.path],
        key: { t: 'other' },
        build: () => buildLinear(file),
      });
      assert.notEqual(other.path, first.path);
      await file.close();
    });
  }

  void test('weights reached through a symlinked folder: the real file is hard-linked and runs', async () => {
    const real = await weightsFile('F32');
    await symlink(dir, join(dir, '..', `${basename(dir)}-link`));
    const viaLink = await SafetensorsFile.open(join(dir, '..', `${basename(dir)}-link`, basename(real.path)));
    try {
      const m = await cachedModel({
        cacheDir: join(dir, 'cache_link'),
        weightFiles: [viaLink.path],
        key: { t: 'l' },
        build: () => buildLinear(viaLink),
      });
      const linked = await lstat(join(m.path, '..', `w0-${basename(real.path)}`));
      assert.equal(linked.isSymbolicLink(), false);
      assert.equal(linked.ino, (await stat(real.path)).ino);
      const s = await createSession(m.path, { threads: 1 });
      const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(X), [2, 3]) })).y;
      assert.deepEqual(Array.from(y.data as Float32Array), expected());
      await s.release();
    } finally {
      await viaLink.close();
      await real.close();
      await rm(join(dir, '..', `${basename(dir)}-link`), { force: true });
    }
  });

  void test('external data points at the tensor bytes inside the safetensors file', async () => {
    const file = await weightsFile('BF16');
    const model = decodeModel(buildLinear(file).toBytes()) as {
      graph: {
        initializer: { name: string; data_type: number; external_data: { key: string; value: string }[] }[];
        node: { op_type: string }[];
      };
    };
    const init = model.graph.initializer.find((i) => i.name.startsWith('layer.weight'))!;
    assert.equal(init.data_type, 16);
    const ext = Object.fromEntries(init.external_data.map((e) => [e.key, e.value]));
    const info = file.info('layer.weight');
    assert.deepEqual(ext, {
      location: 'w_BF16.safetensors',
      offset: String(info.begin),
      length: String(info.end - info.begin),
    });
    assert.deepEqual(
      model.graph.node.map((n) => n.op_type),
      ['Cast', 'Cast', 'MatMul', 'Add', 'Identity'],
    );
    await file.close();
  });

  void test('attributes, constants and multi-output ops run as declared', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2, 4]);
    const [a, b] = g.op('Split', [x, g.constI64([1, 3])], { axis: 1 }, { outputs: 2 });
    const scaled = g.op('Mul', [b, g.constF32(0.5)]);
    const lrelu = g.op('LeakyRelu', [a], { alpha: attr.f(2) });
    g.output(g.op('Concat', [scaled, lrelu], { axis: -1 }), 'y');
    const s = await createSession(g.toBytes(), { threads: 1 });
    const y = (
      await s.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2, 4, 6, 3, -2, -4, 8]), [2, 4]) })
    ).y;
    assert.deepEqual(Array.from(y.data as Float32Array), [1, 2, 3, -2, -1, -2, 4, 3]);
    await s.release();
  });

  void test('an unavailable execution provider falls back to the CPU with a log line', async () => {
    const g = new GraphBuilder();
    g.output(g.op('Relu', [g.input('x', 'float32', [2])]), 'y');
    const logs: string[] = [];
    const s = await createSession(g.toBytes(), { ep: 'cuda', log: (m) => logs.push(m) });
    assert.equal(s.ep, 'cpu');
    assert.match(logs.join('\n'), /cuda execution provider failed to start.*using the CPU/);
    await s.release();
  });

  void test('reused value names are refused with a clear message', () => {
    const g = new GraphBuilder({ name: 'dup' });
    g.input('x', 'float32', [1]);
    assert.throws(() => g.input('x', 'float32', [1]), /value name "x" is already used in graph "dup"/);
  });
});
