/**
 * Verify runner for the Wan DiT golden cases (manifest kind 'dit'): loads `<case>/weights.safetensors`
 * (any key layout) with `<case>/config.json`, runs `x`/`context`(/`y`) at `t`, and at `t2` (→ `out_t2`)
 * or `t_t2v` (→ `out_t2v`), returning `out`, the second output and the dbg_* tensors of the first call.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SafetensorsFile } from '../../safetensors/reader';
import type { Tensor } from '../../../sdk';
import { loadWanDit, type DitInput } from '../../wan/dit/model';
import type { ActualTensor, CaseContext, CaseRunner } from '../types';

function verifyCacheDir(): string {
  return process.env.WAN_STUDIO_VERIFY_CACHE ?? join(tmpdir(), 'wan-studio-verify-cache');
}

async function tensor(io: SafetensorsFile, name: string): Promise<Tensor> {
  return { data: await io.readF32(name), dims: io.info(name).shape };
}

/** A timestep tensor: int64/float [1] → a number; [1, L] → per-token values. */
async function timestep(io: SafetensorsFile, name: string): Promise<number | Float32Array> {
  const info = io.info(name);
  const values =
    info.dtype === 'I64'
      ? Float32Array.from(await io.readI64(name), (v) => Number(v))
      : await io.readF32(name);
  return values.length === 1 ? values[0] : values;
}

export const run: CaseRunner = async (ctx: CaseContext) => {
  const io = ctx.io;
  const dit = await loadWanDit(join(ctx.dir, 'weights.safetensors'), {
    config: ctx.config,
    cacheDir: verifyCacheDir(),
    debug: true,
    threads: Number(process.env.WAN_STUDIO_THREADS ?? 0) || undefined,
  });
  try {
    const base: Omit<DitInput, 't'> = {
      x: await tensor(io, 'x'),
      context: await tensor(io, 'context'),
      ...(io.has('y') ? { y: await tensor(io, 'y') } : {}),
    };
    const result = new Map<string, ActualTensor>();
    const first = await dit.forwardDebug({ ...base, t: await timestep(io, 't') });
    result.set('out', first.out.data);
    for (const [name, t] of first.debug) result.set(name, t.data);
    for (const [input, output] of [
      ['t2', 'out_t2'],
      ['t_t2v', 'out_t2v'],
    ] as const) {
      if (io.has(input))
        result.set(output, (await dit.forward({ ...base, t: await timestep(io, input) })).data);
    }
    return result;
  } finally {
    await dit.dispose();
  }
};
