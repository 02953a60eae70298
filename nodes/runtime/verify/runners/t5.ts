/**
 * Verify runner for the umT5 encoder golden case (manifest kind 't5'): runs `T5Encoder(ids, mask)`
 * from `<case>/weights.safetensors` (dimensions from `<case>/config.json`) and returns
 * `hidden`, `context_<i>` (each prompt trimmed to its real length, as `T5EncoderModel.__call__`),
 * `seq_lens`, and the debug tensors `dbg_block<i>_out`, `dbg_pos_bias_block0`, `dbg_rel_buckets`.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadUmt5 } from '../../wan/t5/encoder';
import { relativePositionBuckets, umt5EncoderBuckets } from '../../wan/t5/buckets';
import type { ActualTensor, CaseContext, CaseRunner } from '../types';

/** Where verify runs keep generated .onnx files (override with WAN_STUDIO_VERIFY_CACHE). */
function verifyCacheDir(): string {
  return process.env.WAN_STUDIO_VERIFY_CACHE ?? join(tmpdir(), 'wan-studio-verify-cache');
}

export const run: CaseRunner = async (ctx: CaseContext) => {
  const io = ctx.io;
  const shape = io.info('ids').shape;
  if (shape.length !== 2)
    throw new Error(`${io.path}: "ids" must be [batch, length], got [${shape.join(', ')}].`);
  const [batch, len] = shape as [number, number];
  const ids = await io.readI64('ids');
  const mask = await io.readI64('mask');

  const t5 = await loadUmt5(join(ctx.dir, 'weights.safetensors'), {
    config: ctx.config as Record<string, unknown> | undefined,
    cacheDir: verifyCacheDir(),
    debug: true,
  });
  const out = new Map<string, ActualTensor>();
  try {
    const dbg = await t5.encodeDebug(ids, mask, [batch, len]);
    out.set('hidden', dbg.get('hidden')!.data);
    for (let i = 0; i < t5.config.numLayers; i++)
      out.set(`dbg_block${i}_out`, dbg.get(`block${i}_out`)!.data);
    out.set('dbg_pos_bias_block0', dbg.get('pos_bias0')!.data);

    const contexts = await t5.encodeTrimmed(ids, mask, [batch, len]);
    contexts.forEach((c, i) => out.set(`context_${i}`, c.data));
    out.set(
      'seq_lens',
      BigInt64Array.from(contexts, (c) => BigInt(c.dims[0])),
    );

    const buckets = relativePositionBuckets(
      len,
      len,
      umt5EncoderBuckets(t5.config.numBuckets, t5.config.relativeMaxDist),
    );
    out.set(
      'dbg_rel_buckets',
      BigInt64Array.from(buckets, (b) => BigInt(b)),
    );
  } finally {
    await t5.dispose();
  }
  return out;
};
