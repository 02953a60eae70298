import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SafetensorsError, SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { encodeSafetensors, writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import { GOLDEN_DIR } from '../../helpers/paths';

const skipGolden = existsSync(join(GOLDEN_DIR, 'dit_t2v')) ? false : `no golden data at ${GOLDEN_DIR}`;

/** Independent decoding of a safetensors tensor straight from the bytes (test-side, no reader code). */
function decodeDirect(path: string, name: string): number[] {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; data_offsets: [number, number] }
  >;
  const e = header[name];
  const start = 8 + n + e.data_offsets[0];
  const end = 8 + n + e.data_offsets[1];
  const out: number[] = [];
  for (let p = start; p < end;) {
    if (e.dtype === 'F32') {
      out.push(buf.readFloatLE(p));
      p += 4;
    } else if (e.dtype === 'BF16') {
      const tmp = Buffer.alloc(4);
      tmp.writeUInt16LE(buf.readUInt16LE(p), 2);
      out.push(tmp.readFloatLE(0));
      p += 2;
    } else if (e.dtype === 'I64') {
      out.push(Number(buf.readBigInt64LE(p)));
      p += 8;
    } else throw new Error(`test decoder: ${e.dtype}`);
  }
  return out;
}

const sum = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
};

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'wan-st-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('reading the golden files', { skip: skipGolden }, () => {
  test('F32 weights: every tensor matches an independent byte decode', async () => {
    const path = join(GOLDEN_DIR, 'dit_t2v', 'weights.safetensors');
    const f = await SafetensorsFile.open(path);
    try {
      assert.equal(f.tensors.size, 69);
      assert.equal([...f.tensors.keys()][0], 'patch_embedding.weight'); // header order
      assert.deepEqual(f.info('patch_embedding.weight').shape, [64, 16, 1, 2, 2]);
      for (const name of ['patch_embedding.weight', 'blocks.1.ffn.2.weight', 'head.modulation']) {
        const got = await f.readF32(name);
        const want = decodeDirect(path, name);
        assert.equal(got.length, want.length);
        assert.equal(sum(got), sum(want), name);
        assert.deepEqual(Array.from(got), want);
      }
    } finally {
      await f.close();
    }
  });
  test('BF16 weights decode exactly (bits << 16)', async () => {
    const path = join(GOLDEN_DIR, 'dit_t2v_bf16', 'weights.safetensors');
    const f = await SafetensorsFile.open(path);
    try {
      assert.equal(f.info('blocks.0.self_attn.q.weight').dtype, 'BF16');
      const got = await f.readF32('blocks.0.self_attn.q.weight');
      assert.deepEqual(Array.from(got), decodeDirect(path, 'blocks.0.self_attn.q.weight'));
      assert.equal(f.metadata['format'], 'pt');
    } finally {
      await f.close();
    }
  });
  test('I64, I32 and F64 tensors of an io file', async () => {
    const f = await SafetensorsFile.open(join(GOLDEN_DIR, 'sched_unipc', 'io.safetensors'));
    try {
      const ts = await f.readI64('n8_shift8.timesteps');
      assert.equal(ts[0], 999n);
      assert.equal(f.info('n8_shift8.order').dtype, 'I32');
      const order = await f.readI32('n8_shift8.order');
      assert.ok(order.every((o) => o === 1 || o === 2));
      const s64 = await f.readF64('n8_shift8.sigmas_f64');
      const s32 = await f.readF32('n8_shift8.sigmas_f64');
      assert.equal(f.info('n8_shift8.sigmas_f64').dtype, 'F64');
      assert.equal(s32[1], Math.fround(s64[1]));
      assert.notEqual(s64[1], s32[1]); // readF64 keeps the double precision
      assert.equal(Number((await f.readF32('n8_shift8.timesteps'))[0]), 999);
    } finally {
      await f.close();
    }
  });
  test('readRaw returns the stored bytes and info() gives absolute offsets', async () => {
    const path = join(GOLDEN_DIR, 'dit_t2v', 'io.safetensors');
    const f = await SafetensorsFile.open(path);
    const raw = await f.readRaw('t');
    const i = f.info('t');
    assert.deepEqual(raw, readFileSync(path).subarray(i.begin, i.end));
    assert.equal(raw.readBigInt64LE(0), (await f.readI64('t'))[0]);
    await f.close();
    assert.equal((await f.readI64('t'))[0], raw.readBigInt64LE(0)); // a read after close reopens
    await f.close();
  });
});

describe('writer round trip', () => {
  test('every dtype, metadata, alignment, header padded with spaces', async () => {
    const p = join(work, 'rt.safetensors');
    await writeSafetensors(
      p,
      {
        f32: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, -2.5, 3e-8, Infinity]) },
        f64: { dtype: 'F64', shape: [2], data: new Float64Array([0.1, -1e300]) },
        f16: { dtype: 'F16', shape: [3], data: [1, 65504, 2 ** -24] },
        bf16: { dtype: 'BF16', shape: [2], data: new Float32Array([3.140625, -0.5]) },
        bits: { dtype: 'F16', shape: [1], data: new Uint16Array([0x7c00]) },
        i64: { dtype: 'I64', shape: [2], data: new BigInt64Array([-(2n ** 40n), 7n]) },
        i32: { dtype: 'I32', shape: [1], data: new Int32Array([-5]) },
        u8: { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 255]) },
        b: { dtype: 'BOOL', shape: [2], data: [1, 0] },
        empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      },
      { note: 'hello' },
    );
    const bytes = readFileSync(p);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    assert.match(bytes.subarray(8, 8 + n).toString('utf8'), /\} *$/);
    const f = await SafetensorsFile.open(p);
    try {
      assert.deepEqual(f.metadata, { note: 'hello' });
      assert.deepEqual(Array.from(await f.readF32('f32')), [1, -2.5, Math.fround(3e-8), Infinity]);
      assert.deepEqual(Array.from(await f.readF64('f64')), [0.1, -1e300]);
      assert.deepEqual(Array.from(await f.readF32('f16')), [1, 65504, 2 ** -24]);
      assert.deepEqual(Array.from(await f.readF32('bf16')), [3.140625, -0.5]);
      assert.deepEqual(Array.from(await f.readF32('bits')), [Infinity]);
      assert.deepEqual(Array.from(await f.readI64('i64')), [-(2n ** 40n), 7n]);
      assert.deepEqual(Array.from(await f.readF32('i64')), [-(2 ** 40), 7]);
      assert.deepEqual(Array.from(await f.readI32('i32')), [-5]);
      assert.deepEqual(Array.from(await f.readF32('u8')), [1, 2, 255]);
      assert.deepEqual(Array.from(await f.readI64('b')), [1n, 0n]);
      assert.equal((await f.readF32('empty')).length, 0);
      assert.deepEqual(
        [...f.tensors.keys()],
        ['f32', 'f64', 'f16', 'bf16', 'bits', 'i64', 'i32', 'u8', 'b', 'empty'],
      );
    } finally {
      await f.close();
    }
  });
  test('writer refuses a data length that does not fit the shape', () => {
    assert.throws(
      () => encodeSafetensors({ x: { dtype: 'F32', shape: [3], data: [1, 2] } }),
      /tensor "x": 2 values given, shape \[3\] needs 3/,
    );
  });
});

/** Builds a file from a header object and a data section. */
function rawFile(
  name: string,
  header: unknown,
  dataBytes: number,
  opts: { headerText?: string; lengthOverride?: bigint } = {},
): string {
  const text = opts.headerText ?? JSON.stringify(header);
  const h = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(8 + h.length + dataBytes);
  out.writeBigUInt64LE(opts.lengthOverride ?? BigInt(h.length), 0);
  h.copy(out, 8);
  const p = join(work, name);
  writeFileSync(p, out);
  return p;
}

async function expectError(path: string, pattern: RegExp, tensor?: string): Promise<void> {
  await assert.rejects(SafetensorsFile.open(path), (e: unknown) => {
    assert.ok(e instanceof SafetensorsError, `expected SafetensorsError, got ${String(e)}`);
    assert.ok(e.message.includes(path), `message names the file: ${e.message}`);
    assert.equal(e.file, path);
    assert.match(e.message, pattern);
    if (tensor !== undefined) {
      assert.equal(e.tensor, tensor);
      assert.ok(e.message.includes(`"${tensor}"`));
    }
    return true;
  });
}

describe('bad files give a SafetensorsError naming the file (and tensor)', () => {
  const q = 'blocks.0.self_attn.q.weight';
  const ok = (dtype = 'F32', shape = [2, 2], offsets = [0, 16]): unknown => ({
    [q]: { dtype, shape, data_offsets: offsets },
  });

  test('shorter than 8 bytes', async () => {
    const p = join(work, 'tiny.safetensors');
    writeFileSync(p, Buffer.from([1, 2, 3]));
    await expectError(p, /3 bytes, fewer than the 8-byte header length/);
  });
  test('empty file', async () => {
    const p = join(work, 'empty.safetensors');
    writeFileSync(p, Buffer.alloc(0));
    await expectError(p, /0 bytes/);
  });
  test('header length past the end of the file', async () => {
    await expectError(
      rawFile('past.safetensors', ok(), 16, { lengthOverride: 5000n }),
      /header claims 5000 bytes but the file has only/,
    );
  });
  test('absurd header length', async () => {
    await expectError(
      rawFile('absurd.safetensors', ok(), 16, { lengthOverride: 2n ** 62n }),
      /more than the 100 MiB limit/,
    );
  });
  test('header not JSON / not UTF-8 / not an object', async () => {
    await expectError(
      rawFile('nojson.safetensors', null, 0, { headerText: '{"a": [1, 2' }),
      /not valid JSON/,
    );
    await expectError(rawFile('array.safetensors', [1, 2], 0), /expected a JSON object, got an array/);
    const p = rawFile('utf8.safetensors', null, 0, { headerText: 'xx' });
    const b = readFileSync(p);
    b[8] = 0xff;
    writeFileSync(p, b);
    await expectError(p, /not valid UTF-8/);
  });
  test('entry without dtype / shape / data_offsets', async () => {
    await expectError(
      rawFile('nodtype.safetensors', { [q]: { shape: [1], data_offsets: [0, 4] } }, 4),
      /has no "dtype"/,
      q,
    );
    await expectError(
      rawFile('noshape.safetensors', { [q]: { dtype: 'F32', data_offsets: [0, 4] } }, 4),
      /has no "shape"/,
      q,
    );
    await expectError(
      rawFile('nooff.safetensors', { [q]: { dtype: 'F32', shape: [1] } }, 4),
      /has no "data_offsets"/,
      q,
    );
  });
  test('unknown dtype', async () => {
    await expectError(
      rawFile('f8.safetensors', ok('F8_E4M3', [4], [0, 4]), 4),
      /unsupported dtype "F8_E4M3"/,
      q,
    );
  });
  test('shape × dtype size disagrees with the byte length', async () => {
    await expectError(
      rawFile('size.safetensors', ok('F32', [2, 3], [0, 16]), 16),
      /shape \[2, 3\] of F32, which needs 24 bytes, but its data_offsets \[0, 16\] span 16 bytes/,
      q,
    );
  });
  test('offsets outside the data section (truncated file)', async () => {
    const p = rawFile('trunc.safetensors', ok('F32', [32, 40], [0, 5120]), 4096);
    await expectError(
      p,
      /tensor "blocks.0.self_attn.q.weight" ends at byte 5120 but the file has 4096 data bytes/,
      q,
    );
  });
  test('a real file cut short', async () => {
    const src = encodeSafetensors({
      a: { dtype: 'F32', shape: [8], data: new Float32Array(8) },
      b: { dtype: 'F32', shape: [8], data: new Float32Array(8) },
    });
    const p = join(work, 'cut.safetensors');
    writeFileSync(p, src.subarray(0, src.length - 10));
    await expectError(p, /tensor "b" ends at byte 64 but the file has 54 data bytes/, 'b');
  });
  test('overlapping tensors; gaps are allowed', async () => {
    const overlap = {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
    };
    await expectError(rawFile('overlap.safetensors', overlap, 24), /tensor "b" .* overlaps tensor "a"/, 'b');
    const gap = {
      a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      b: { dtype: 'F32', shape: [1], data_offsets: [12, 16] },
    };
    const f = await SafetensorsFile.open(rawFile('gap.safetensors', gap, 16));
    assert.equal(f.tensors.size, 2);
    await f.close();
  });
  test('end before begin, negative or fractional offsets', async () => {
    await expectError(rawFile('rev.safetensors', ok('F32', [0], [8, 4]), 8), /end before they begin/, q);
    await expectError(rawFile('neg.safetensors', ok('F32', [1], [-4, 0]), 8), /invalid data_offsets/, q);
    await expectError(rawFile('badshape.safetensors', ok('F32', [1.5], [0, 4]), 8), /invalid shape/, q);
  });
  test('__metadata__ must map strings to strings', async () => {
    await expectError(
      rawFile('meta.safetensors', { __metadata__: { n: 3 } }, 0),
      /"__metadata__" entry "n" must be a string/,
    );
  });
  test('missing file and missing tensor', async () => {
    await expectError(join(work, 'nope.safetensors'), /does not exist/);
    const p = join(work, 'one.safetensors');
    await writeSafetensors(p, { a: { dtype: 'F32', shape: [1], data: [1] } });
    const f = await SafetensorsFile.open(p);
    assert.throws(
      () => f.info('blocks.9.ffn.0.weight'),
      (e: unknown) =>
        e instanceof SafetensorsError &&
        e.tensor === 'blocks.9.ffn.0.weight' &&
        e.message.includes(p) &&
        /is missing/.test(e.message),
    );
    await assert.rejects(f.readF32('x'), SafetensorsError);
    await assert.rejects(f.readI64('a'), /is F32, not an integer tensor/);
    await f.close();
  });
});
