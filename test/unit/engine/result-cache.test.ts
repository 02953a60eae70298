import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResultCache } from '../../../nodes/engine/result-cache';
import { sizeOfValue } from '../../../nodes/engine/size-of-value';
import { canonicalJson } from '../../../nodes/engine/canonical-json';

describe('result cache', () => {
  test('evicts in least-recently-used order and refuses entries over budget', () => {
    const c = new ResultCache<string>(100);
    c.set('a', 'A', 40);
    c.set('b', 'B', 40);
    assert.equal(c.get('a'), 'A'); // b is now least recently used
    c.set('c', 'C', 40);
    assert.deepEqual(c.keys(), ['a', 'c']);
    assert.equal(c.bytes, 80);
    assert.equal(c.set('huge', 'H', 101), false);
    assert.equal(c.has('huge'), false);
    assert.deepEqual(c.keys(), ['a', 'c'], 'a refused entry evicts nothing');
    c.set('a', 'A2', 90); // replacing an entry frees its old size first
    assert.deepEqual(c.keys(), ['a']);
    assert.equal(c.bytes, 90);
    c.clear();
    assert.equal(c.size, 0);
    assert.equal(c.bytes, 0);
  });

  test('sizeOfValue counts typed arrays by byteLength and JSON parts a little', () => {
    const big = sizeOfValue({ samples: { dims: [1000], data: new Float32Array(1000) } });
    assert.ok(big >= 4000 && big < 4400, String(big));
    assert.ok(sizeOfValue({ a: 1, b: 'xy' }) < 200);
    class Handle {
      session = new Float32Array(1 << 20);
    }
    assert.ok(
      sizeOfValue({ model: new Handle() }) < 200,
      'model handles are counted by the model pool, not here',
    );
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.ok(sizeOfValue(loop) < 200);
  });

  test('canonicalJson sorts keys at every depth and drops undefined members', () => {
    assert.equal(
      canonicalJson({ b: [{ z: 1, a: undefined, y: 2 }], a: 'x' }),
      '{"a":"x","b":[{"y":2,"z":1}]}',
    );
    assert.equal(canonicalJson([undefined, 1n]), '[null,"1"]');
  });
});
