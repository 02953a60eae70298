import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  relativePositionBucket,
  relativePositionBuckets,
  umt5EncoderBuckets,
} from '../../../nodes/runtime/wan/t5/buckets';
import { SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { GOLDEN_DIR } from '../../helpers/paths';

const enc = umt5EncoderBuckets(32);
const bucket = (d: number) => relativePositionBucket(d, enc);

describe('umT5 relative position buckets', () => {
  test('small distances are exact, keys after the query use the upper half', () => {
    assert.equal(bucket(0), 0);
    assert.equal(bucket(-1), 1);
    assert.equal(bucket(-7), 7);
    assert.equal(bucket(1), 17);
    assert.equal(bucket(7), 23);
  });
  test('logarithmic bins from |d| = 8, truncated, exact at the powers of two', () => {
    assert.equal(bucket(-8), 8);
    assert.equal(bucket(-15), 9); // 8 + trunc(8 * log(15/8) / log 16) = 8 + trunc(1.81)
    assert.equal(bucket(-16), 10); // exactly 2 in float32, must not truncate to 1
    assert.equal(bucket(-32), 12);
    assert.equal(bucket(64), 30);
    assert.equal(bucket(-127), 15);
  });
  test('capped at the last bucket of each direction', () => {
    assert.equal(bucket(-128), 15);
    assert.equal(bucket(-5000), 15);
    assert.equal(bucket(5000), 31);
  });
  test('unidirectional (decoder) variant only counts keys before the query', () => {
    const dec = { numBuckets: 32, bidirectional: false, maxDistance: 128 };
    assert.equal(relativePositionBucket(5, dec), 0);
    assert.equal(relativePositionBucket(-5, dec), 5);
    assert.equal(relativePositionBucket(-16, dec), 16);
    assert.equal(relativePositionBucket(-1000, dec), 31);
  });
  test('table rows are queries, columns keys', () => {
    const t = relativePositionBuckets(3, 4, enc);
    assert.deepEqual(Array.from(t), [0, 17, 18, 19, 1, 0, 17, 18, 2, 1, 0, 17]);
  });
  test('rejects bad lengths', () => {
    assert.throws(() => relativePositionBuckets(-1, 3, enc), /non-negative integer/);
  });
  const goldenCase = join(GOLDEN_DIR, 't5', 'io.safetensors');
  test(
    'matches dbg_rel_buckets of the t5 golden case',
    { skip: existsSync(goldenCase) ? false : `no golden data at ${goldenCase}` },
    async () => {
      const io = await SafetensorsFile.open(goldenCase);
      try {
        const [lq, lk] = io.info('dbg_rel_buckets').shape as [number, number];
        const expected = Array.from(await io.readI64('dbg_rel_buckets'), Number);
        assert.deepEqual(Array.from(relativePositionBuckets(lq, lk, enc)), expected);
      } finally {
        await io.close();
      }
    },
  );
});
