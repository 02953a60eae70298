import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GOLDEN_DIR } from '../../helpers/paths';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { getRunner } from '../../../nodes/runtime/verify/registry';
import { readManifest, toleranceFor, type CaseManifest } from '../../../nodes/runtime/verify/manifest';
import { compareTensors } from '../../../nodes/runtime/verify/compare';
import { buildSchedule } from '../../../nodes/runtime/samplers/schedule';
import { chooseExpert, guideScale } from '../../../nodes/runtime/samplers/guidance';

const VERBOSE = process.env.GOLDEN_VERBOSE === '1';
const skipUnless = (dir: string): string | false =>
  existsSync(dir) ? false : `golden case ${dir} is not present`;

describe('scheduler golden cases', () => {
  for (const name of ['sched_unipc', 'sched_dpmpp', 'sched_euler_diffusers']) {
    const dir = join(GOLDEN_DIR, name);
    test(name, { skip: skipUnless(dir) }, async () => {
      const manifest = await readManifest(join(dir, 'manifest.json'));
      assert.equal(manifest.kind, 'scheduler');
      const run = await getRunner(manifest.kind);
      const io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
      try {
        const actual = await run({ dir, manifest, io });
        const missing = Object.keys(manifest.outputs).filter((k) => !actual.has(k));
        assert.deepEqual(missing, [], `${name}: outputs not reproduced`);
        const problems: string[] = [];
        for (const key of Object.keys(manifest.outputs)) {
          const got = actual.get(key);
          if (!got) continue;
          const r = compareTensors(
            got,
            await io.readF64(key),
            io.info(key).shape,
            toleranceFor(manifest, key),
          );
          if (VERBOSE) console.log(`${name} ${key} max |err| ${r.maxAbs.toExponential(2)}`);
          if (!r.pass) problems.push(`${key}: ${r.reason}`);
        }
        assert.deepEqual(problems, []);
      } finally {
        await io.close();
      }
    });
  }
});

describe('pipeline schedules and expert choice', () => {
  for (const name of ['pipe_t2v_moe', 'pipe_i2v_moe']) {
    const dir = join(GOLDEN_DIR, name);
    test(
      `${name}: timesteps, sigmas, expert_high and guide_scale from the manifest's call parameters`,
      { skip: skipUnless(dir) },
      async () => {
        // Read as plain JSON: only params and tolerances are needed here (pipeline manifests carry a per-model seed object).
        const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CaseManifest;
        const p = m.params as {
          steps: number;
          shift: number;
          boundary: number;
          guide_scale: [number, number];
          pipeline_config: { sample_solver: string };
        };
        assert.equal(p.pipeline_config.sample_solver, 'unipc');
        const io = await SafetensorsFile.open(join(dir, 'io.safetensors'));
        try {
          const s = buildSchedule(p.pipeline_config.sample_solver, { steps: p.steps, shift: p.shift });
          const experts = [...s.timesteps].map((t) => chooseExpert(t, p.boundary));
          const ours = new Map<string, ArrayLike<number>>([
            ['timesteps', s.timesteps],
            ['sigmas', s.sigmas],
            ['expert_high', experts.map((e) => (e === 'high' ? 1 : 0))],
            ['guide_scale', Float32Array.from(experts, (e) => guideScale(p.guide_scale, e))],
          ]);
          for (const [key, value] of ours) {
            const r = compareTensors(value, await io.readF64(key), io.info(key).shape, toleranceFor(m, key));
            assert.ok(r.pass, `${name} ${key}: ${r.reason}`);
          }
        } finally {
          await io.close();
        }
      },
    );
  }
});
