/**
 * Seeded fuzz test of the loader: mutated workflows (object, text and byte level) must never make
 * parseWorkflow throw or hang; every rejection carries located problems; every acceptance is a
 * valid document that saves byte-stably and that the engine's validator handles without throwing.
 *
 * Reproduce a failure with FUZZ_SEED=<seed> (printed in the message); FUZZ_COUNT changes the count.
 * About 4 s of CPU for 10,000 mutants; the 60 s timeout is a hang guard with room for a loaded machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeRegistry } from '../../../nodes/engine/registry';
import { validateWorkflow } from '../../../nodes/engine/validate';
import { saveWorkflow } from '../../../workflows/canonical';
import { loadWorkflow, parseWorkflow } from '../../../workflows/load';
import type { ParseResult } from '../../../workflows/load';
import { WorkflowError } from '../../../workflows/problems';
import type { ProblemCode } from '../../../workflows/problems';
import { WorkflowDocument } from '../../../workflows/schema';
import { Fuzzer, makeMutant, mulberry32 } from './fuzz-mutants';
import { TEST_NODES } from './test-nodes';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed2025) >>> 0;
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);

test(`parseWorkflow survives ${COUNT} seeded mutants (seed ${SEED})`, { timeout: 60_000 }, () => {
  const registry = new NodeRegistry(TEST_NODES);
  const nodeTypes = (t: string) => registry.get(t);
  const codes = new Map<ProblemCode, number>();
  let accepted = 0;
  let slowest = 0;
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const mutantSeed = (SEED + Math.imul(i, 0x9e3779b9)) >>> 0;
    const f = new Fuzzer(mulberry32(mutantSeed));
    const input = makeMutant(f);
    const where = () => {
      const shown = typeof input === 'string' ? input.slice(0, 300) : `<${input.length} bytes>`;
      return `mutant ${i} (FUZZ_SEED=${SEED}, mutant seed ${mutantSeed}, ops: ${f.ops.join(', ') || 'none'}):\n${shown}`;
    };
    let r: ParseResult;
    const t0 = performance.now();
    try {
      r = parseWorkflow(input, { nodeTypes, source: 'fuzz.json' });
    } catch (e) {
      assert.fail(`parseWorkflow threw ${String(e)} on ${where()}`);
    }
    slowest = Math.max(slowest, performance.now() - t0);
    assert.ok(performance.now() - t0 < 2000, `parseWorkflow took over 2 s on ${where()}`);
    assert.equal(
      ({} as Record<string, unknown>).polluted,
      undefined,
      `Object.prototype polluted by ${where()}`,
    );

    if (r.ok) {
      accepted++;
      assert.ok(WorkflowDocument.safeParse(r.doc).success, `accepted an invalid document: ${where()}`);
      const saved = saveWorkflow(r.doc);
      const again = parseWorkflow(saved);
      assert.ok(again.ok && saveWorkflow(again.doc) === saved, `save is not byte-stable for ${where()}`);
      let problems;
      try {
        problems = validateWorkflow(r.doc, registry);
      } catch (e) {
        assert.fail(`validateWorkflow threw ${String(e)} on ${where()}`);
      }
      for (const p of problems) {
        assert.ok(
          typeof p.code === 'string' && typeof p.message === 'string' && p.message.trim().length > 0,
          `validator problem without message: ${JSON.stringify(p)} for ${where()}`,
        );
      }
    } else {
      assert.ok(r.problems.length >= 1, `rejected without problems: ${where()}`);
      for (const p of r.problems) {
        assert.ok(
          typeof p.message === 'string' && p.message.trim().length > 0,
          `empty message ${JSON.stringify(p)} for ${where()}`,
        );
        assert.ok(
          Array.isArray(p.path) || p.code === 'parse',
          `problem without path: ${JSON.stringify(p)} for ${where()}`,
        );
        assert.ok(!p.message.startsWith('Internal error'), `${p.message} for ${where()}`);
        codes.set(p.code, (codes.get(p.code) ?? 0) + 1);
      }
      if (i % 10 === 0) {
        assert.throws(
          () => loadWorkflow(input),
          (e: unknown) => e instanceof WorkflowError,
          `loadWorkflow threw something else: ${where()}`,
        );
      }
    }
  }
  const elapsed = performance.now() - started;
  // The fuzzer must exercise both sides and every loader failure class.
  assert.ok(accepted > COUNT * 0.05, `only ${accepted} of ${COUNT} mutants were accepted (seed ${SEED})`);
  for (const code of ['parse', 'schema', 'future_version', 'migration'] as const) {
    assert.ok((codes.get(code) ?? 0) > 0, `no mutant produced a '${code}' problem (seed ${SEED})`);
  }
  console.log(
    `fuzz: ${COUNT} mutants, ${accepted} accepted, ${elapsed.toFixed(0)} ms, slowest ${slowest.toFixed(1)} ms, problems ${JSON.stringify(Object.fromEntries(codes))}`,
  );
});
