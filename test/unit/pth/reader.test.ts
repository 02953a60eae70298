import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PthError, PthFile } from '../../../nodes/runtime/pth/reader';
import { openCheckpoint } from '../../../nodes/runtime/pth/open';
import { SafetensorsError, SafetensorsFile } from '../../../nodes/runtime/safetensors/reader';
import { writeSafetensors } from '../../../nodes/runtime/safetensors/writer';
import {
  FxDict,
  FxFloat,
  FxOrderedDict,
  FxStorage,
  FxTensor,
  encodeValues,
  fxTensor,
  torchSaveRecords,
  writeTorchSave,
  writeZip,
  zipBytes,
} from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'pth-reader-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (name = 'model.pth'): string => join(dir, `${n++}-${name}`);

// Values exactly representable in f16 and bf16, so every dtype reads back exactly.
const VALUES = [0.5, -1.25, 2, 0.75, -0.375, 1.5, 0, -0, 254, 3.0517578125e-5];

void describe('PthFile: tensors of a torch.save checkpoint', () => {
  void test('F32, BF16, F16, F64, I64, I32, U8 and BOOL tensors read back exactly, in state-dict order', async () => {
    const p = fresh();
    const ints = [0n, -1n, 9007199254740993n, -(2n ** 62n), 42n];
    await writeTorchSave(
      p,
      new FxOrderedDict(
        [
          ['a.f32', fxTensor('F32', [2, 5], VALUES)],
          ['a.bf16', fxTensor('BF16', [5, 2], VALUES)],
          ['a.f16', fxTensor('F16', [10], VALUES)],
          ['a.f64', fxTensor('F64', [1, 10], [Math.PI, ...VALUES.slice(1)])],
          ['b.i64', fxTensor('I64', [5], ints)],
          ['b.i32', fxTensor('I32', [3], [-2147483648, 7, 2147483647])],
          ['b.u8', fxTensor('U8', [2, 2], [0, 1, 254, 255])],
          ['b.bool', fxTensor('BOOL', [3], [1, 0, 1])],
        ],
        new FxOrderedDict([['', new FxDict([['version', 1]])]]),
      ),
    );
    const f = await PthFile.open(p);
    assert.deepEqual(
      [...f.tensors.keys()],
      ['a.f32', 'a.bf16', 'a.f16', 'a.f64', 'b.i64', 'b.i32', 'b.u8', 'b.bool'],
    );
    assert.deepEqual(
      [...f.tensors.values()].map((t) => [t.dtype, t.shape]),
      [
        ['F32', [2, 5]],
        ['BF16', [5, 2]],
        ['F16', [10]],
        ['F64', [1, 10]],
        ['I64', [5]],
        ['I32', [3]],
        ['U8', [2, 2]],
        ['BOOL', [3]],
      ],
    );
    for (const k of ['a.f32', 'a.bf16', 'a.f16']) assert.deepEqual(Array.from(await f.readF32(k)), VALUES, k);
    assert.deepEqual(Array.from(await f.readF64('a.f64')), [Math.PI, ...VALUES.slice(1)]);
    assert.deepEqual(Array.from(await f.readI64('b.i64')), ints);
    assert.deepEqual(Array.from(await f.readI32('b.i32')), [-2147483648, 7, 2147483647]);
    assert.deepEqual(Array.from(await f.readF32('b.u8')), [0, 1, 254, 255]);
    assert.deepEqual(Array.from(await f.readI64('b.bool')), [1n, 0n, 1n]);
    // The raw bytes are exactly the stored storage bytes, and begin/end point at them in the file.
    const info = f.info('a.bf16');
    assert.deepEqual(new Uint8Array(await f.readRaw('a.bf16')), encodeValues('BF16', VALUES));
    assert.deepEqual(
      new Uint8Array(readFileSync(p).subarray(info.begin, info.end)),
      encodeValues('BF16', VALUES),
    );
    assert.equal(info.begin % 64, 0, 'torch aligns storages to 64 bytes');
    await assert.rejects(f.readI64('a.f32'), /tensor "a\.f32" is F32, not an integer tensor/);
    await assert.rejects(f.readI32('b.i64'), /outside the int32 range/);
    assert.throws(
      () => f.info('nope'),
      (e: unknown) =>
        e instanceof PthError &&
        e instanceof SafetensorsError &&
        /tensor "nope" is missing \(the file has 8 tensors\)/.test(e.message),
    );
    await f.close();
    // a read after close reopens the file
    assert.deepEqual(Array.from(await f.readF32('a.f32')), VALUES);
    await f.close();
  });

  void test('nested dicts, lists and parameters flatten to dotted names; scalars become metadata', async () => {
    const p = fresh();
    await writeTorchSave(
      p,
      new FxDict([
        ['epoch', 12],
        ['lr', new FxFloat(0.25)],
        ['name', 'wan'],
        [
          'state_dict',
          new FxOrderedDict([
            ['encoder.weight', fxTensor('F32', [2], [1, 2], true)],
            ['blocks', [fxTensor('F16', [1], [3]), new FxDict([['w', fxTensor('BF16', [1], [4])]])]],
          ]),
        ],
      ]),
    );
    const f = await PthFile.open(p);
    assert.deepEqual(
      [...f.tensors.keys()],
      ['state_dict.encoder.weight', 'state_dict.blocks.0', 'state_dict.blocks.1.w'],
    );
    assert.deepEqual(Array.from(await f.readF32('state_dict.blocks.1.w')), [4]);
    assert.deepEqual(f.metadata, { epoch: '12', lr: '0.25', name: 'wan' });
    await f.close();
  });

  void test('tensors sharing one storage at different offsets are separate slices of it', async () => {
    const p = fresh();
    const storage = new FxStorage('F32', encodeValues('F32', [0, 1, 2, 3, 4, 5, 6, 7]));
    await writeTorchSave(
      p,
      new FxOrderedDict([
        ['qkv.q', new FxTensor(storage, 0, [2, 2], [2, 1])],
        ['qkv.k', new FxTensor(storage, 4, [2], [1])],
        ['qkv.v', new FxTensor(storage, 6, [1, 2, 1], [99, 1, 7])], // size-1 dims may have any stride
        ['empty', new FxTensor(storage, 8, [0, 3], [3, 1])],
      ]),
    );
    const f = await PthFile.open(p);
    assert.deepEqual(Array.from(await f.readF32('qkv.q')), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(await f.readF32('qkv.k')), [4, 5]);
    assert.deepEqual(Array.from(await f.readF32('qkv.v')), [6, 7]);
    assert.deepEqual(Array.from(await f.readF32('empty')), []);
    assert.equal(f.info('qkv.k').begin, f.info('qkv.q').begin + 16);
    await f.close();
  });

  void test('a non-contiguous view is refused naming the tensor', async () => {
    const p = fresh();
    const storage = new FxStorage('F32', encodeValues('F32', [0, 1, 2, 3, 4, 5]));
    await writeTorchSave(
      p,
      new FxOrderedDict([
        ['ok', new FxTensor(storage, 0, [6], [1])],
        ['proj.weight', new FxTensor(storage, 0, [3, 2], [1, 3])],
      ]),
    );
    await assert.rejects(PthFile.open(p), (e: unknown) => {
      assert.ok(e instanceof PthError);
      assert.match(
        e.message,
        /model\.pth: tensor "proj\.weight" is a non-contiguous view \(shape \[3, 2\], stride \[1, 3\]\)/,
      );
      assert.equal(e.tensor, 'proj.weight');
      return true;
    });
  });

  void test('the archive folder name, a missing byteorder record and the version are all taken as torch writes them', async () => {
    for (const [archiveName, byteorder] of [
      ['my_model', null],
      ['archive', 'little'],
    ] as const) {
      const p = fresh();
      await writeTorchSave(p, new FxOrderedDict([['w', fxTensor('F32', [2], [1, 2])]]), {
        archiveName,
        byteorder,
      });
      const f = await PthFile.open(p);
      assert.equal(f.archiveName, archiveName);
      assert.deepEqual(Array.from(await f.readF32('w')), [1, 2]);
      await f.close();
    }
    const big = fresh();
    await writeTorchSave(big, new FxOrderedDict([['w', fxTensor('F32', [2], [1, 2])]]), { byteorder: 'big' });
    await assert.rejects(
      PthFile.open(big),
      /saved on a big-endian machine; only little-endian checkpoints are supported/,
    );
  });

  void test('a lone tensor saved with torch.save(tensor) is named "tensor"', async () => {
    const p = fresh();
    await writeTorchSave(p, fxTensor('F32', [3], [1, 2, 3]));
    const f = await PthFile.open(p);
    assert.deepEqual([...f.tensors.keys()], ['tensor']);
    await f.close();
  });
});

void describe('PthFile: ZIP64', () => {
  void test('archives whose sizes and offsets are all in ZIP64 fields read the same', async () => {
    const sd = new FxOrderedDict([
      ['x', fxTensor('F32', [4], [1, 2, 3, 4])],
      ['y', fxTensor('I64', [2], [5n, 6n])],
    ]);
    for (const opts of [{ forceZip64: true }, { zip64End: false }, {}]) {
      const p = fresh();
      writeFileSync(p, zipBytes(torchSaveRecords(sd), opts));
      const f = await PthFile.open(p);
      assert.deepEqual(Array.from(await f.readF32('x')), [1, 2, 3, 4], JSON.stringify(opts));
      assert.deepEqual(Array.from(await f.readI64('y')), [5n, 6n]);
      await f.close();
    }
  });

  const noSparse =
    process.platform === 'win32' ? 'NTFS files are not sparse by default (4.5 GiB would be written)' : false;
  void test(
    'a checkpoint larger than 4 GiB (sparse file): tensors past the 4 GiB mark read at their 64-bit offsets',
    { skip: noSparse },
    async () => {
      // storage 0: 4.5 GiB of zeros (sparse, costs no disk) with a tensor view at its very end;
      // storage 1 starts after 4 GiB, so its header offset only fits in a ZIP64 field.
      const bigBytes = 4.5 * 2 ** 30;
      const huge = new FxStorage('F32', { sparseBytes: bigBytes });
      const tail = fxTensor('F32', [3], [7, 8, 9]);
      const p = fresh('big.pth');
      await writeTorchSave(
        p,
        new FxOrderedDict([
          ['huge.tail', new FxTensor(huge, bigBytes / 4 - 2, [2], [1])],
          ['after', tail],
        ]),
      );
      const f = await PthFile.open(p);
      assert.ok(f.size > 2 ** 32);
      assert.ok(f.info('huge.tail').begin > 2 ** 32);
      assert.ok(f.info('after').begin > 2 ** 32 + 2 ** 29);
      assert.deepEqual(Array.from(await f.readF32('huge.tail')), [0, 0]);
      assert.deepEqual(Array.from(await f.readF32('after')), [7, 8, 9]);
      await f.close();
    },
  );
});

void describe('PthFile: archives it cannot read are clear errors naming the file', () => {
  const sd = (): FxOrderedDict =>
    new FxOrderedDict([
      ['w', fxTensor('F32', [4], [1, 2, 3, 4])],
      ['b', fxTensor('F32', [2], [5, 6])],
    ]);

  void test('truncated archives: every cut point fails with a sentence, never a crash', async () => {
    const whole = zipBytes(torchSaveRecords(sd()));
    const cuts = new Set(
      [0, 3, 4, 30, 100, whole.length / 2, whole.length - 200, whole.length - 22, whole.length - 1].map(
        Math.floor,
      ),
    );
    for (let c = 0; c < whole.length; c += 97) cuts.add(c);
    for (const cut of cuts) {
      const p = fresh('cut.pth');
      writeFileSync(p, whole.subarray(0, cut));
      await assert.rejects(PthFile.open(p), (e: unknown) => {
        assert.ok(e instanceof PthError, `cut ${cut}: ${String(e)}`);
        assert.ok(e.message.startsWith(p), e.message);
        return true;
      });
    }
    const p = fresh('cut.pth');
    writeFileSync(p, whole.subarray(0, whole.length - 10));
    await assert.rejects(
      PthFile.open(p),
      /no end-of-central-directory record \(the download is probably incomplete or the file is truncated\)/,
    );
  });

  void test('a missing storage entry names the tensor and the entry', async () => {
    const p = fresh();
    await writeTorchSave(p, sd(), { omitStorages: ['1'] });
    await assert.rejects(
      PthFile.open(p),
      /tensor "b" needs storage "archive\/data\/1", which is missing from the archive/,
    );
  });

  void test('a tensor extending past its storage, and a storage entry shorter than declared, are refused', async () => {
    const p = fresh();
    const s = new FxStorage('F32', encodeValues('F32', [1, 2, 3, 4]));
    await writeTorchSave(
      p,
      new FxOrderedDict([
        ['ok', new FxTensor(s, 0, [4], [1])],
        ['w.past', new FxTensor(s, 2, [3], [1])],
      ]),
    );
    await assert.rejects(
      PthFile.open(p),
      /tensor "w\.past" extends past its storage: it needs bytes 8–20 of storage "archive\/data\/0", which has 16/,
    );
    const q = fresh();
    const short = new FxStorage('F32', encodeValues('F32', [1, 2]), 4);
    await writeTorchSave(q, new FxOrderedDict([['w', new FxTensor(short, 0, [4], [1])]]));
    await assert.rejects(
      PthFile.open(q),
      /tensor "w" uses storage "archive\/data\/0", which holds 8 bytes although the pickle declares 16/,
    );
  });

  void test('compressed or encrypted entries, TorchScript archives, legacy files and other files', async () => {
    const recs = torchSaveRecords(sd());
    const deflatedData = recs.map((r) => (r.name.endsWith('data/0') ? { ...r, method: 8 as const } : r));
    let p = fresh();
    await writeZip(p, deflatedData);
    await assert.rejects(
      PthFile.open(p),
      /entry "archive\/data\/0" is compressed \(zip method 8\); tensor data must be stored uncompressed/,
    );
    // a deflated data.pkl is fine (small metadata entries may be compressed)
    p = fresh();
    await writeZip(
      p,
      recs.map((r) => (r.name.endsWith('data.pkl') ? { ...r, method: 8 as const } : r)),
    );
    const f = await PthFile.open(p);
    assert.deepEqual(Array.from(await f.readF32('b')), [5, 6]);
    await f.close();
    p = fresh();
    await writeZip(
      p,
      recs.map((r) => ({ ...r, encrypted: r.name.endsWith('data/1') })),
    );
    await assert.rejects(PthFile.open(p), /entry "archive\/data\/1" is encrypted/);
    p = fresh();
    await writeZip(p, [
      { name: 'm/constants.pkl', data: new Uint8Array([0x80, 2, 0x2e]) },
      { name: 'm/code/x.py', data: new Uint8Array(1) },
    ]);
    await assert.rejects(
      PthFile.open(p),
      /TorchScript archive \(torch\.jit\.save\), not a torch\.save checkpoint/,
    );
    p = fresh();
    writeFileSync(
      p,
      Buffer.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]),
    );
    await assert.rejects(PthFile.open(p), /legacy \(pre-1\.6, non-zip\) format, which is not supported/);
    p = fresh();
    writeFileSync(p, 'hello world');
    await assert.rejects(PthFile.open(p), /not a PyTorch checkpoint/);
    await assert.rejects(
      PthFile.open(join(dir, 'absent.pth')),
      /absent\.pth: cannot open PyTorch checkpoint: the file does not exist/,
    );
  });
});

void describe('openCheckpoint', () => {
  void test('opens .pth archives as PthFile and safetensors files as SafetensorsFile, by content', async () => {
    const pth = fresh('weights.bin');
    await writeTorchSave(pth, new FxOrderedDict([['w', fxTensor('BF16', [2], [1, -2])]]));
    const st = fresh('weights.safetensors');
    await writeSafetensors(st, { w: { dtype: 'BF16', shape: [2], data: [1, -2] } });
    const a = await openCheckpoint(pth);
    const b = await openCheckpoint(st);
    assert.ok(a instanceof PthFile);
    assert.ok(b instanceof SafetensorsFile);
    assert.deepEqual(Array.from(await a.readF32('w')), Array.from(await b.readF32('w')));
    assert.deepEqual(a.info('w').shape, b.info('w').shape);
    await a.close();
    await b.close();
    const legacy = fresh('old.pt');
    writeFileSync(legacy, Buffer.from([0x80, 0x02, 0x8a]));
    await assert.rejects(openCheckpoint(legacy), /legacy \(pre-1\.6, non-zip\) format/);
  });
});
