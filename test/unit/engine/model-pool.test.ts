import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineModelPool } from '../../../nodes/engine/model-pool';

describe('model pool', () => {
  test('concurrent acquires of one key share one creation; release disposes', async () => {
    const pool = new EngineModelPool();
    let created = 0;
    const disposed: string[] = [];
    const create = async (): Promise<{ id: number }> => {
      created++;
      await new Promise((r) => setTimeout(r, 5));
      return { id: created };
    };
    const [a, b, c] = await Promise.all([
      pool.acquire('m', create, () => void disposed.push('m')),
      pool.acquire('m', create),
      pool.acquire('m', create),
    ]);
    assert.equal(created, 1);
    assert.equal(a, b);
    assert.equal(b, c);
    await pool.acquire(
      'other',
      () => Promise.resolve('x'),
      () => void disposed.push('other'),
    );
    assert.deepEqual(pool.keys(), ['m', 'other']);
    assert.equal(await pool.release('m'), true);
    assert.equal(await pool.release('m'), false);
    assert.deepEqual(disposed, ['m']);
    assert.equal(pool.has('m'), false);
    const again = await pool.acquire('m', create);
    assert.equal(again.id, 2, 'a released key is created anew');
    await pool.releaseAll();
    assert.deepEqual(pool.keys(), []);
    assert.deepEqual(disposed, ['m', 'other']);
  });

  test('a failed creation is forgotten; release during creation disposes once it exists', async () => {
    const pool = new EngineModelPool();
    await assert.rejects(
      pool.acquire('bad', () => Promise.reject(new Error('no such file'))),
      /no such file/,
    );
    assert.equal(pool.has('bad'), false);
    assert.equal(await pool.acquire('bad', () => Promise.resolve(1)), 1);

    let disposed = 0;
    const pending = pool.acquire(
      'slow',
      () => new Promise<number>((r) => setTimeout(() => r(5), 5)),
      () => void disposed++,
    );
    assert.equal(pool.has('slow'), true);
    assert.equal(await pool.release('slow'), true);
    assert.equal(await pending, 5);
    assert.equal(disposed, 1);
  });
});
