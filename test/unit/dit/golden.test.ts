import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCase } from '../../../nodes/runtime/verify/verify';
import { compareTensors } from '../../../nodes/runtime/verify/compare';
import { readManifest } from '../../../nodes/runtime/verify/manifest';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { loadWanDit } from '../../../nodes/runtime/wan/dit/model';

const GOLDEN = process.env.WAN_GOLDEN_DIR ?? '/work/shared/golden';
const CASES = ['dit_t2v', 'dit_t2v_bf16', 'dit_t2v_diffusers', 'dit_t2v_comfy', 'dit_i2v', 'dit_ti2v'];
const skip = existsSync(GOLDEN) ? false : `golden vectors not found at ${GOLDEN}`;

void describe('Wan DiT reproduces the official golden vectors', { skip }, () => {
  for (const name of CASES) {
    void test(name, async () => {
      const r = await verifyCase(join(GOLDEN, name));
      assert.equal(r.error, undefined);
      const failed = r.outputs.filter((o) => !o.pass).map((o) => `${o.name}: max abs ${o.maxAbs}`);
      assert.deepEqual(failed, []);
      // Every main output and every dbg_* tensor of the case was computed and compared.
      assert.ok(
        r.outputs.length >= 10 && r.outputs.every((o) => o.compared),
        `not all outputs compared in ${name}`,
      );
    });
  }

  void test('cond + uncond style batch: one run gives the same outputs as separate runs', async () => {
    const dir = join(GOLDEN, 'dit_t2v');
    const io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
    const manifest = await readManifest(join(dir, 'manifest.json'));
    const dit = await loadWanDit(join(dir, 'weights.safetensors'), { threads: 1 });
    try {
      const base = {
        x: { data: await io.readF32('x'), dims: io.info('x').shape },
        context: { data: await io.readF32('context'), dims: io.info('context').shape },
      };
      const [a, b] = await dit.forwardBatch([
        { ...base, t: Number((await io.readI64('t'))[0]) },
        { ...base, t: Number((await io.readI64('t2'))[0]) },
      ]);
      for (const [got, name] of [
        [a, 'out'],
        [b, 'out_t2'],
      ] as const) {
        assert.deepEqual(got.dims, io.info(name).shape);
        const r = compareTensors(got.data, await io.readF32(name), io.info(name).shape, manifest.tolerance);
        assert.ok(r.pass, `${name}: max abs ${r.maxAbs}`);
      }
    } finally {
      await dit.dispose();
      await io.close();
    }
  });

  // The plain-ONNX path (no com.microsoft kernels) must agree too.
  for (const name of ['dit_t2v', 'dit_ti2v']) {
    void test(`${name} without fused kernels`, async () => {
      const dir = join(GOLDEN, name);
      const io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
      const manifest = await readManifest(join(dir, 'manifest.json'));
      const dit = await loadWanDit(join(dir, 'weights.safetensors'), { fused: false, threads: 1 });
      try {
        const t = io.info('t').dtype === 'I64' ? Number((await io.readI64('t'))[0]) : await io.readF32('t');
        const out = await dit.forward({
          x: { data: await io.readF32('x'), dims: io.info('x').shape },
          context: { data: await io.readF32('context'), dims: io.info('context').shape },
          t: typeof t === 'number' || t.length > 1 ? t : t[0],
        });
        const r = compareTensors(out.data, await io.readF32('out'), io.info('out').shape, manifest.tolerance);
        assert.ok(r.pass, `max abs ${r.maxAbs}`);
      } finally {
        await dit.dispose();
        await io.close();
      }
    });
  }
});
