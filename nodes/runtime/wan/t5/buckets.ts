/**
 * T5 relative-position buckets (umT5 encoder semantics of Wan's `t5.py`).
 *
 * The bucket of a (query, key) pair depends on d = key - query:
 * - bidirectional: half of the buckets per direction, with the upper half for keys after the query;
 * - distances below half of a direction's buckets map to themselves (exact buckets);
 * - larger ones are binned logarithmically up to `maxDistance`, capped at the last bucket.
 * The logarithmic bin is computed in float32 and truncated toward zero, exactly like the reference
 * (PyTorch float32 tensors), so the integers match at the bin boundaries.
 */

export interface BucketOptions {
  numBuckets: number;
  bidirectional: boolean;
  /** The distance at which the last logarithmic bucket starts (128 in umT5). */
  maxDistance: number;
}

const f32 = Math.fround;

/** The bucket index of one relative position `d = key - query`. */
export function relativePositionBucket(d: number, opts: BucketOptions): number {
  let buckets = opts.numBuckets;
  let offset = 0;
  let dist: number;
  if (opts.bidirectional) {
    buckets = Math.floor(buckets / 2);
    offset = d > 0 ? buckets : 0;
    dist = Math.abs(d);
  } else {
    dist = -Math.min(d, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (dist < maxExact) return offset + dist;
  // float32: log(dist / maxExact) / log(maxDistance / maxExact) * (buckets - maxExact)
  const ratio = f32(dist / maxExact);
  const logRatio = f32(Math.log(ratio));
  const logRange = f32(Math.log(opts.maxDistance / maxExact));
  const scaled = f32(f32(logRatio / logRange) * (buckets - maxExact));
  const large = Math.min(maxExact + Math.trunc(scaled), buckets - 1);
  return offset + large;
}

/** Bucket table `[lq, lk]` (row = query position, column = key position), row-major. */
export function relativePositionBuckets(lq: number, lk: number, opts: BucketOptions): Int32Array {
  if (!Number.isInteger(lq) || !Number.isInteger(lk) || lq < 0 || lk < 0) {
    throw new RangeError(`relative position buckets need non-negative integer lengths, got ${lq} x ${lk}`);
  }
  if (!Number.isInteger(opts.numBuckets) || opts.numBuckets < 2) {
    throw new RangeError(`relative position buckets need at least 2 buckets, got ${opts.numBuckets}`);
  }
  const out = new Int32Array(lq * lk);
  // the bucket only depends on d = k - q: compute each distance once
  const cache = new Map<number, number>();
  for (let q = 0; q < lq; q++) {
    for (let k = 0; k < lk; k++) {
      const d = k - q;
      let b = cache.get(d);
      if (b === undefined) {
        b = relativePositionBucket(d, opts);
        cache.set(d, b);
      }
      out[q * lk + k] = b;
    }
  }
  return out;
}

/** The umT5 encoder's bucket settings for a given bucket count. */
export function umt5EncoderBuckets(numBuckets: number, maxDistance = 128): BucketOptions {
  return { numBuckets, bidirectional: true, maxDistance };
}
