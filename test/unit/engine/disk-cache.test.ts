import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiskCache } from '../../../nodes/engine/disk-cache';
import { doc, makeEngine, makeKit, tempDir } from './test-nodes';

const KEY = 'a'.repeat(64);

function runChild(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'disk-writer.ts'), ...args],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? -1));
  });
}

describe('disk cache', () => {
  test('round-trips, misses cleanly, and treats a torn entry as a miss it deletes', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const cache = new DiskCache({ dir, maxBytes: 1 << 20 });
    assert.equal(await cache.get(KEY), undefined);
    assert.equal(await cache.set(KEY, { data: new Float32Array([1, 2, 3]) }), true);
    assert.deepEqual(await cache.get(KEY), { value: { data: new Float32Array([1, 2, 3]) } });

    const file = cache.pathFor(KEY);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length - 5)); // torn write
    assert.equal(await cache.get(KEY), undefined);
    assert.deepEqual(readdirSync(dir), [], 'the torn entry was deleted');

    // An entry renamed to another key's name is not served for that key.
    await cache.set(KEY, 1);
    writeFileSync(cache.pathFor('b'.repeat(64)), readFileSync(cache.pathFor(KEY)));
    assert.equal(await cache.get('b'.repeat(64)), undefined);
    assert.throws(() => cache.pathFor('../escape'), /Invalid disk cache key/);
    assert.equal(await cache.set(KEY, new Map()), false, 'values that cannot be encoded are skipped');
  });

  test('evicts least recently used entries past maxBytes; stale temp files go too', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const big = (n: number): Float32Array => new Float32Array(1000).fill(n); // ~4 KB encoded
    const cache = new DiskCache({ dir, maxBytes: 9000 });
    const old = Date.now() / 1000 - 100;
    await cache.set('k1', big(1));
    utimesSync(cache.pathFor('k1'), old, old);
    await cache.set('k2', big(2));
    utimesSync(cache.pathFor('k2'), old + 1, old + 1);
    assert.ok(await cache.get('k1'), 'k1 read: now the most recently used');
    writeFileSync(join(dir, 'x.wsr.1.abc.tmp'), 'partial');
    utimesSync(join(dir, 'x.wsr.1.abc.tmp'), old - 7200, old - 7200);
    await cache.set('k3', big(3));
    const left = readdirSync(dir).sort();
    assert.deepEqual(left, ['k1.wsr', 'k3.wsr'], `k2 was the least recently used; left: ${left.join(', ')}`);
    assert.ok((await cache.totalBytes()) <= 9000);
    assert.equal(
      await cache.set('huge', new Float32Array(5000)),
      false,
      'an entry larger than the cache is not written',
    );
    await cache.clear();
    assert.deepEqual(readdirSync(dir), []);
  });

  test('concurrent writers of one key (processes and parallel writes) never leave a torn entry', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const cache = new DiskCache({ dir, maxBytes: 1 << 30 });
    const value = (fill: number): unknown => ({
      outputs: { latent: { data: new Float32Array(256 * 1024).fill(fill) } },
      artifacts: [],
    });
    let reads = 0;
    let stopReading = false;
    const reader = (async () => {
      while (!stopReading) {
        const got = (await cache.get(KEY)) as
          { value: { outputs: { latent: { data: Float32Array } } } } | undefined;
        if (got) {
          const data = got.value.outputs.latent.data;
          assert.equal(data.length, 256 * 1024);
          assert.ok(
            data.every((v) => v === data[0]),
            'one writer per entry',
          );
          reads++;
        }
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const codes = await Promise.all([
      runChild([dir, KEY, '8', '1']),
      runChild([dir, KEY, '8', '2']),
      Promise.all(Array.from({ length: 8 }, (_, i) => cache.set(KEY, value(10 + i)))).then(() => 0),
    ]);
    stopReading = true;
    await reader;
    assert.deepEqual(codes, [0, 0, 0]);
    assert.ok(reads > 0, 'the reader saw entries while writers ran');
    assert.deepEqual(readdirSync(dir), [`${KEY}.wsr`], 'no temp files left behind');
    const final = (await cache.get(KEY)) as { value: { outputs: { latent: { data: Float32Array } } } };
    assert.ok([1, 2, 10, 11, 12, 13, 14, 15, 16, 17].includes(final.value.outputs.latent.data[0]));
    assert.ok(statSync(cache.pathFor(KEY)).size > 1024 * 1024);
  });

  test('survives a new Engine; only changed nodes run; a corrupt entry is a miss', async (t) => {
    const { dir, cleanup } = tempDir();
    t.after(cleanup);
    const cacheDir = join(dir, 'cache');
    const kit = makeKit();
    const newEngine = (): ReturnType<typeof makeEngine> =>
      makeEngine(kit, dir, { diskCache: { dir: cacheDir, maxBytes: 1 << 20 } });
    const wf = (b: number): ReturnType<typeof doc> =>
      doc({ p1: ['t.padd', { a: 1, b: 2 }], p2: ['t.padd', { b }], o: ['t.out'] }, [
        'p1.out->p2.a',
        'p2.out->o.value',
      ]);

    const r1 = await newEngine().run(wf(3));
    assert.equal(r1.ok, true);
    assert.deepEqual(kit.log, ['p1', 'p2', 'o']);
    assert.equal(readdirSync(cacheDir).length, 2, 'the two persist nodes are on disk');

    kit.reset();
    const r2 = await newEngine().run(wf(3)); // a restart: empty memory cache
    assert.equal(r2.ok, true);
    assert.deepEqual(kit.log, ['o'], 'p2 came from disk (p1 not needed); o is not a persist node');
    assert.equal(readFileSync(r2.outputs[0].path, 'utf8'), '6');

    kit.reset();
    await newEngine().run(wf(4)); // only a downstream value changed
    assert.deepEqual(kit.log, ['p2', 'o'], 'p1 read from disk, not recomputed');

    // Corrupt every entry: a miss, recomputed and rewritten.
    for (const name of readdirSync(cacheDir)) {
      const f = join(cacheDir, name);
      const bytes = readFileSync(f);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(f, bytes);
    }
    kit.reset();
    const r4 = await newEngine().run(wf(5));
    assert.equal(r4.ok, true);
    assert.deepEqual(kit.log, ['p1', 'p2', 'o']);
    kit.reset();
    await newEngine().run(wf(5));
    assert.deepEqual(kit.log, ['o'], 'rewritten entries are good again');
  });
});
