import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, cachedModel, createSession, ort } from '../../../nodes/runtime/onnx';
import { PthFile } from '../../../nodes/runtime/pth/reader';
import { FxOrderedDict, FxStorage, FxTensor, encodeValues, fxTensor, writeTorchSave } from './fixture';
import type { FxDtype } from './fixture';

const dir = await mkdtemp(join(tmpdir(), 'pth-onnx-'));
after(() => rm(dir, { recursive: true, force: true }));

// y = relu(x @ W1 + b1) @ W2 with W1 [3, 4], b1 [4], W2 [4, 2]; values exact in f16 and bf16.
const W1 = [0.5, -1.25, 2, 0.75, -0.375, 1.5, 0.25, -2, 1, 0.125, -0.5, 3];
const B1 = [0.125, -2, 0.5, 1];
const W2 = [1, -1, 0.5, 2, -0.25, 0.75, 1.5, -3];
const X = [1, 2, 3, -1, 0.5, 4];

function expected(): number[] {
  const out: number[] = [];
  for (let r = 0; r < 2; r++) {
    const h: number[] = [];
    for (let c = 0; c < 4; c++) {
      let s = B1[c];
      for (let k = 0; k < 3; k++) s += X[r * 3 + k] * W1[k * 4 + c];
      h.push(Math.max(0, s));
    }
    for (let c = 0; c < 2; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += h[k] * W2[k * 2 + c];
      out.push(s);
    }
  }
  return out;
}

async function weights(dtype: FxDtype): Promise<PthFile> {
  const path = join(dir, `mlp_${dtype}.pth`);
  // W1 and b1 share one storage (as a fused parameter would): b1 sits at a non-zero storage offset.
  const fused = new FxStorage(dtype, encodeValues(dtype, [...W1, ...B1]));
  await writeTorchSave(
    path,
    new FxOrderedDict([
      ['fc1.weight', new FxTensor(fused, 0, [3, 4], [4, 1])],
      ['fc1.bias', new FxTensor(fused, 12, [4], [1])],
      ['fc2.weight', fxTensor(dtype, [4, 2], W2, true)],
    ]),
    { archiveName: `mlp_${dtype}` },
  );
  return PthFile.open(path);
}

function buildMlp(file: PthFile): GraphBuilder {
  const g = new GraphBuilder({ name: 'mlp' });
  const x = g.input('x', 'float32', ['rows', 3]);
  const h = g.op('Relu', [
    g.op('Add', [g.op('MatMul', [x, g.weight(file, 'fc1.weight')]), g.weight(file, 'fc1.bias')]),
  ]);
  g.output(g.op('MatMul', [h, g.weight(file, 'fc2.weight')]), 'y', { dims: ['rows', 2] });
  return g;
}

void describe('ONNX external data pointing into a .pth checkpoint', () => {
  for (const dtype of ['F32', 'BF16', 'F16'] as const) {
    void test(`a ${dtype} MLP runs in onnxruntime with its weights read in place from the .pth file`, async () => {
      const file = await weights(dtype);
      const { path } = await cachedModel({
        cacheDir: join(dir, 'cache'),
        weightFiles: [file.path],
        key: { t: 'mlp', dtype },
        build: () => buildMlp(file),
      });
      const s = await createSession(path, { threads: 1 });
      const y = (await s.run({ x: new ort.Tensor('float32', Float32Array.from(X), [2, 3]) })).y;
      assert.deepEqual(y.dims, [2, 2]);
      assert.deepEqual(Array.from(y.data as Float32Array), expected());
      await s.release();
      await file.close();
    });
  }
});
