import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { run } from '../../../nodes/runtime/verify/runners/t5';
import { verifyCase } from '../../../nodes/runtime/verify/verify';
import { compareTensors } from '../../../nodes/runtime/verify/compare';
import type { Tolerance } from '../../../nodes/runtime/verify/types';
import { loadUmt5 } from '../../../nodes/runtime/wan/t5/encoder';
import { GOLDEN_DIR } from '../../helpers/paths';

const T5_CASE = join(GOLDEN_DIR, 't5');
const PIPE_CASE = join(GOLDEN_DIR, 'pipe_t2v_moe');
const skipT5 = existsSync(join(T5_CASE, 'io.safetensors')) ? false : `no golden data at ${T5_CASE}`;
const skipPipe = existsSync(join(PIPE_CASE, 'io.safetensors')) ? false : `no golden data at ${PIPE_CASE}`;
const cacheDir = mkdtempSync(join(tmpdir(), 't5-golden-'));
process.env.WAN_STUDIO_VERIFY_CACHE = cacheDir;
after(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('umT5 encoder golden cases', () => {
  test(
    't5: the verify runner reproduces every output of the official T5Encoder',
    { skip: skipT5 },
    async () => {
      const report = await verifyCase(T5_CASE, { runners: { t5: run } });
      assert.equal(report.error, undefined);
      const expected = [
        'hidden',
        'context_0',
        'context_1',
        'seq_lens',
        'dbg_block0_out',
        'dbg_block1_out',
        'dbg_pos_bias_block0',
        'dbg_rel_buckets',
      ];
      for (const name of expected) {
        const o = report.outputs.find((x) => x.name === name);
        assert.ok(o?.compared, `${name} was not compared`);
        assert.ok(o.pass, `${name}: ${o.reason ?? ''} (max abs ${o.maxAbs})`);
        // an fp32 port lands near 1e-6; the tolerance (~3e-4) would hide a systematic error
        assert.ok(o.maxAbs < 2e-5, `${name}: max abs error ${o.maxAbs}`);
      }
      assert.ok(report.pass);
    },
  );

  test(
    'pipe_t2v_moe: context_cond / context_null from its t5/ weights and the stored ids',
    { skip: skipPipe },
    async () => {
      const manifest = JSON.parse(readFileSync(join(PIPE_CASE, 'manifest.json'), 'utf8')) as {
        tolerance_per_output: Record<string, Tolerance>;
      };
      const tols = manifest.tolerance_per_output;
      const io = await SafetensorsFile.open(join(PIPE_CASE, 'io.safetensors'));
      const t5 = await loadUmt5(join(PIPE_CASE, 't5', 'weights.safetensors'), { cacheDir });
      try {
        const textLen = io.info('prompt_ids').shape[0];
        assert.equal(t5.config.textLen, textLen, 'text_len comes from t5/config.json');
        const ids = new BigInt64Array([
          ...(await io.readI64('prompt_ids')),
          ...(await io.readI64('neg_ids')),
        ]);
        const mask = new BigInt64Array([
          ...(await io.readI64('prompt_mask')),
          ...(await io.readI64('neg_mask')),
        ]);
        const [cond, uncond] = await t5.encodeTrimmed(ids, mask);
        const full = await t5.encode(ids, mask);
        assert.deepEqual(full.dims, [2, textLen, t5.config.dim]);
        const half = textLen * t5.config.dim;
        const checks: [string, Float32Array, number[]][] = [
          ['context_cond', cond.data, cond.dims],
          ['context_null', uncond.data, uncond.dims],
          ['t5_out_prompt', full.data.subarray(0, half), [textLen, t5.config.dim]],
          ['t5_out_neg', full.data.subarray(half), [textLen, t5.config.dim]],
        ];
        for (const [key, data, dims] of checks) {
          const shape = io.info(key).shape;
          assert.deepEqual(dims, shape, `${key} shape`);
          const r = compareTensors(data, await io.readF32(key), shape, tols[key]);
          assert.ok(r.pass, `${key}: ${r.reason ?? ''}`);
          assert.ok(r.maxAbs < 2e-5, `${key}: max abs error ${r.maxAbs}`);
        }
      } finally {
        await t5.dispose();
        await io.close();
      }
    },
  );
});
