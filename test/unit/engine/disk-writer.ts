/**
 * Child process for the disk cache concurrency test (not a test file):
 *   node --import tsx disk-writer.ts <dir> <key> <times> <fill>
 * writes one ~1 MB entry to <key> <times> times.
 */
import { DiskCache } from '../../../nodes/engine/disk-cache';

const [dir, key, times, fill] = process.argv.slice(2);
const cache = new DiskCache({ dir: dir, maxBytes: 1 << 30 });
const value = {
  outputs: { latent: { data: new Float32Array(256 * 1024).fill(Number(fill)) } },
  artifacts: [],
};
for (let i = 0; i < Number(times); i++) await cache.set(key, value);
