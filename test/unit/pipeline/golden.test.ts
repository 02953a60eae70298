/**
 * The official pipelines reproduced end to end: the project's umT5, DiT, UniPC, CFG, MoE switch,
 * image conditioning and VAE, through the same denoising loop as the Wan Sampler node, against
 * pipe_t2v_moe, pipe_i2v_moe and pipe_ti2v (both branches).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR } from '../../helpers/paths';
import { verifyCase } from '../../../nodes/runtime/verify/verify';

const VERBOSE = process.env.GOLDEN_VERBOSE === '1';

describe('pipeline golden cases', () => {
  for (const name of ['pipe_t2v_moe', 'pipe_i2v_moe', 'pipe_ti2v']) {
    const dir = join(GOLDEN_DIR, name);
    test(name, { skip: existsSync(dir) ? false : `golden case ${dir} is not present` }, async () => {
      const r = await verifyCase(dir);
      assert.equal(r.error, undefined, r.error);
      const bad = r.outputs.filter((o) => !o.debug && !o.pass);
      assert.deepEqual(
        bad.map((o) => `${o.name}: ${o.reason ?? `max abs ${o.maxAbs}`}`),
        [],
        `${name}: outputs outside tolerance`,
      );
      // Every main output was reproduced, not just the ones the runner chose to return.
      assert.ok(r.outputs.filter((o) => !o.debug).every((o) => o.compared));
      // An fp32 port lands around 1e-5 (README); well inside the 1e-3-scaled tolerance.
      assert.ok(r.maxAbs < 1e-4, `${name}: max abs error ${r.maxAbs}`);
      if (VERBOSE)
        for (const o of r.outputs) console.log(`${name} ${o.name} max |err| ${o.maxAbs.toExponential(2)}`);
    });
  }
});
