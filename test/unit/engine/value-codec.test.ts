import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../../nodes/engine/crc32';
import { tableCrc32 } from '../../../nodes/engine/crc32';
import { CodecError, decodeValue, encodeValue } from '../../../nodes/engine/value-codec';

describe('value codec', () => {
  test('round-trips JSON data and every typed array kind', () => {
    const value = {
      latent: {
        kind: 'latent',
        samples: { dims: [2, 3], data: new Float32Array([1.5, -2, 0, 3e-8, NaN, Infinity]) },
      },
      image: { kind: 'image', width: 1, height: 1, count: 1, data: new Uint8Array([1, 2, 3]) },
      ints: new Int32Array([-1, 2 ** 31 - 1]),
      big: new BigInt64Array([-5n, 2n ** 62n]),
      f64: new Float64Array([Math.PI]),
      u16: new Uint16Array([65535]),
      odd: new Uint8Array([9, 8, 7, 6, 5]), // forces padding before the next array
      f32b: new Float32Array([4]),
      clamped: new Uint8ClampedArray([255]),
      buffer: new Uint8Array([1, 2, 3, 4]).buffer,
      nums: [NaN, -0, Infinity, -Infinity, 0.1],
      nothing: undefined,
      holes: [1, undefined, null],
      bigint: 12345678901234567890n,
      escaped: { $ta: 'not a marker', $u: 1 },
      one: { $only: true },
      text: 'héllo "quoted"',
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    assert.deepEqual(back, value);
    assert.ok(back.latent.samples.data instanceof Float32Array);
    assert.ok(back.big instanceof BigInt64Array);
    assert.ok(Object.is(back.nums[1], -0));
    assert.ok('nothing' in back);
  });

  test('a "__proto__" key stays data', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const back = decodeValue(encodeValue(value)) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.deepEqual(Object.keys(back), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('refuses values that are not plain data', () => {
    assert.throws(
      () => encodeValue({ m: new Map() }),
      (e: Error) => e instanceof CodecError && /value\.m is a Map/.test(e.message),
    );
    assert.throws(() => encodeValue({ f: () => 1 }), CodecError);
    assert.throws(() => encodeValue([new DataView(new ArrayBuffer(2))]), /DataView/);
  });

  test('rejects truncated, corrupt and forged entries', () => {
    const good = encodeValue({ a: new Float32Array(100).fill(2), s: 'x' });
    assert.throws(() => decodeValue(good.subarray(0, good.length - 1)), /bytes, but its header announces/);
    assert.throws(() => decodeValue(good.subarray(0, 10)), /truncated/);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0x10;
    assert.throws(() => decodeValue(flipped), /checksum/);
    const magic = Buffer.from(good);
    magic[0] = 0;
    assert.throws(() => decodeValue(magic), /magic/);

    // A well-formed file whose skeleton points outside its payload.
    const forge = (skeleton: string, payload = 8): Buffer => {
      const sk = Buffer.from(skeleton);
      const start = 24 + ((sk.length + 7) & ~7);
      const b = Buffer.alloc(start + payload);
      b.write('WSRV', 0, 'latin1');
      b.writeUInt32LE(1, 4);
      b.writeUInt32LE(sk.length, 8);
      b.writeBigUInt64LE(BigInt(payload), 16);
      sk.copy(b, 24);
      b.writeUInt32LE(crc32(b.subarray(24)), 12);
      return b;
    };
    assert.deepEqual(decodeValue(forge('{"$ta":["Float32Array",0,2]}')), new Float32Array(2));
    assert.throws(() => decodeValue(forge('{"$ta":["Float32Array",0,3]}')), /outside the payload/);
    assert.throws(() => decodeValue(forge('{"$ta":["Function",0,1]}')), /Unknown typed array kind/);
    assert.throws(() => decodeValue(forge('{"$eval":"x"}')), /Unknown marker/);
    assert.throws(() => decodeValue(forge('{"a":')), /not valid JSON/);
  });

  test('the fallback crc32 matches the native one', () => {
    const data = Buffer.from('The quick brown fox jumps over the lazy dog');
    assert.equal(tableCrc32(data), 0x414fa339);
    assert.equal(crc32(data), 0x414fa339);
  });
});
