import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PthError, PthFile } from '../../../nodes/runtime/pth/reader';
import type { PthOpenOptions } from '../../../nodes/runtime/pth/reader';
import { PickleError, parsePickle } from '../../../nodes/runtime/pth/pickle';
import { torchHooks } from '../../../nodes/runtime/pth/torch-pickle';
import { FlattenError, flattenCheckpoint } from '../../../nodes/runtime/pth/flatten';
import { FxOrderedDict, OP, PickleAsm, fxTensor, torchPickle, torchSaveRecords, zipBytes } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'pth-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A torch.save-shaped archive whose data.pkl is `pkl`; returns the path. */
function archiveWith(pkl: Uint8Array, name = 'model.pth'): string {
  const p = join(dir, `${n++}-${name}`);
  const sd = new FxOrderedDict([['w', fxTensor('F32', [2], [1, 2])]]);
  writeFileSync(p, zipBytes(torchSaveRecords(sd, { pkl })));
  return p;
}

async function refuses(pkl: Uint8Array, pattern: RegExp, opts?: PthOpenOptions): Promise<string> {
  const p = archiveWith(pkl);
  let message = '';
  await assert.rejects(PthFile.open(p, opts), (e: unknown) => {
    assert.ok(e instanceof PthError, `expected a PthError, got ${String(e)}`);
    assert.ok(e.message.startsWith(p), `the message names the file: ${e.message}`);
    assert.match(e.message, pattern);
    message = e.message;
    return true;
  });
  return message;
}

void describe('pickles that reference code are refused, and nothing runs', () => {
  const marker = join(dir, 'PWNED');
  const cmd = `touch ${marker}`;

  void test('os.system via GLOBAL + REDUCE', async () => {
    const pkl = new PickleAsm()
      .proto(2)
      .global('os', 'system')
      .binunicode(cmd)
      .op(OP.TUPLE1)
      .op(OP.REDUCE)
      .stop()
      .bytes();
    const msg = await refuses(
      pkl,
      /model\.pth: refuses to load: the pickle references os\.system, which could run code/,
    );
    assert.doesNotMatch(msg, /invalid at byte/);
    assert.equal(existsSync(marker), false);
  });

  void test('builtins.eval via STACK_GLOBAL (protocol 4)', async () => {
    const pkl = new PickleAsm()
      .proto(4)
      .shortBinunicode('builtins')
      .op(OP.MEMOIZE)
      .shortBinunicode('eval')
      .op(OP.MEMOIZE)
      .op(OP.STACK_GLOBAL)
      .shortBinunicode(`__import__('os').system('${cmd}')`)
      .op(OP.TUPLE1)
      .op(OP.REDUCE)
      .stop()
      .bytes();
    await refuses(pkl, /refuses to load: the pickle references builtins\.eval, which could run code/);
    assert.equal(existsSync(marker), false);
  });

  void test('subprocess.Popen via INST, and posix.system / __builtin__.exec / nt.system via OBJ and NEWOBJ', async () => {
    const inst = new PickleAsm()
      .proto(2)
      .mark()
      .binunicode('touch')
      .binunicode(marker)
      .op(OP.TUPLE2)
      .inst('subprocess', 'Popen')
      .stop()
      .bytes();
    await refuses(inst, /refuses to load: the pickle references subprocess\.Popen, which could run code/);
    const obj = new PickleAsm()
      .proto(2)
      .mark()
      .global('posix', 'system')
      .binunicode(cmd)
      .op(OP.OBJ)
      .stop()
      .bytes();
    await refuses(obj, /references posix\.system/);
    const newobj = new PickleAsm()
      .proto(2)
      .global('__builtin__', 'exec')
      .binunicode(cmd)
      .op(OP.TUPLE1)
      .op(OP.NEWOBJ)
      .stop()
      .bytes();
    await refuses(newobj, /references __builtin__\.exec/);
    // hidden after a valid tensor inside an otherwise normal state dict: the whole file is refused
    const valid = torchPickle(new FxOrderedDict([['w', fxTensor('F32', [2], [1, 2])]])).pkl;
    const hidden = new PickleAsm().raw(...valid.subarray(0, valid.length - 1));
    hidden
      .binunicode('evil')
      .global('nt', 'system')
      .binunicode(cmd)
      .op(OP.TUPLE1)
      .op(OP.REDUCE)
      .op(OP.SETITEM)
      .stop();
    await refuses(hidden.bytes(), /references nt\.system/);
    assert.equal(existsSync(marker), false);
  });

  void test('allowed globals used in ways a checkpoint never needs are refused too', async () => {
    const callStorage = new PickleAsm()
      .proto(2)
      .global('torch', 'FloatStorage')
      .int(10)
      .op(OP.TUPLE1)
      .op(OP.REDUCE)
      .stop()
      .bytes();
    await refuses(callStorage, /refuses to load: the pickle calls torch\.FloatStorage \(REDUCE\)/);
    const callString = new PickleAsm()
      .proto(2)
      .binunicode('os.system')
      .op(OP.EMPTY_TUPLE)
      .op(OP.REDUCE)
      .stop()
      .bytes();
    await refuses(
      callString,
      /refuses to load: the pickle calls the string "os\.system" \(REDUCE\), which is not an allowed function/,
    );
    const buildList = new PickleAsm()
      .proto(2)
      .op(OP.EMPTY_LIST)
      .op(OP.EMPTY_DICT)
      .op(OP.BUILD)
      .stop()
      .bytes();
    await refuses(buildList, /refuses to load: the pickle sets state on a list of 0/);
    const ext = new PickleAsm().proto(2).raw(0x82, 1).stop().bytes();
    await refuses(ext, /copyreg extension registry \(EXT1\/EXT2\/EXT4\), which is not allowed/);
    const sparse = new PickleAsm().proto(2).global('torch._utils', '_rebuild_sparse_tensor').stop().bytes();
    await refuses(
      sparse,
      /uses torch\._utils\._rebuild_sparse_tensor \(a sparse, quantized, nested or device-specific tensor\), which this reader does not support/,
    );
    const subclass = new PickleAsm()
      .proto(2)
      .global('torch._tensor', '_rebuild_from_type_v2')
      .mark()
      .global('torch._utils', '_rebuild_tensor_v2')
      .global('mylib', 'EvilTensor')
      .stop()
      .bytes();
    await refuses(subclass, /references mylib\.EvilTensor, which could run code/);
    // _rebuild_from_type_v2 wrapping itself (unbounded recursion if followed) is refused at once
    const g = (a: PickleAsm): PickleAsm => a.global('torch._tensor', '_rebuild_from_type_v2');
    const nested = g(g(new PickleAsm().proto(2)).mark())
      .global('torch', 'Tensor')
      .op(OP.EMPTY_TUPLE)
      .op(OP.NONE)
      .op(OP.TUPLE)
      .op(OP.REDUCE)
      .stop()
      .bytes();
    await refuses(
      nested,
      /torch\._tensor\._rebuild_from_type_v2 got torch\._tensor\._rebuild_from_type_v2 instead of a tensor rebuild function/,
    );
  });
});

void describe('hostile or damaged pickles fail fast with a clear error', () => {
  void test('a MARK nesting bomb hits the MARK limit', async () => {
    const a = new PickleAsm().proto(2);
    for (let i = 0; i < 200_000; i++) a.mark();
    const t0 = Date.now();
    await refuses(
      a.stop().bytes(),
      /data\.pkl: the pickle is invalid at byte \d+: it nests more than 10000 MARKs/,
    );
    assert.ok(Date.now() - t0 < 2000);
  });

  void test('a list nested 100,000 deep is refused when flattened, without overflowing the JS stack', async () => {
    const a = new PickleAsm().proto(2).op(OP.EMPTY_DICT).binunicode('x');
    for (let i = 0; i < 100_000; i++) a.op(OP.EMPTY_LIST);
    for (let i = 0; i < 99_999; i++) a.op(OP.APPEND);
    await refuses(
      a.op(OP.SETITEM).stop().bytes(),
      /nests containers more than 64 levels deep \(at "x(\.0)+"\)/,
    );
  });

  void test('an exponential structure of shared references (a "billion laughs") is cut off by the visit limit', async () => {
    // L0 = [], Lk = [Lk-1, Lk-1] memoized: 2^60 paths through 60 small lists
    const a = new PickleAsm().proto(2).op(OP.EMPTY_LIST).put(0);
    for (let k = 1; k <= 60; k++)
      a.op(OP.EMPTY_LIST)
        .mark()
        .get(k - 1)
        .get(k - 1)
        .op(OP.APPENDS)
        .put(k);
    const t0 = Date.now();
    await refuses(a.stop().bytes(), /more than 2000000 values, the reader's limit/);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });

  void test('a huge memo index, memo/stack/object floods and oversized lengths are refused', async () => {
    await refuses(
      new PickleAsm().proto(2).raw(0x6a, 0xff, 0xff, 0xff, 0xff).stop().bytes(),
      /refers to memo slot 4294967295, which was never stored/,
    );
    const memo = new PickleAsm().proto(4).op(OP.NONE);
    for (let i = 0; i < 2000; i++) memo.op(OP.MEMOIZE);
    await refuses(memo.stop().bytes(), /its memo grows past 1000 entries/, {
      pickleLimits: { maxMemo: 1000 },
    });
    const bigPut = new PickleAsm()
      .proto(2)
      .op(OP.NONE)
      .raw(0x72, 0xff, 0xff, 0xff, 0xff)
      .raw(0x6a, 0xff, 0xff, 0xff, 0xff)
      .stop()
      .bytes();
    // a memo slot number is only a key: storing at slot 2^32-1 costs one entry, and reads back
    const lone = await PthFile.open(archiveWith(bigPut));
    assert.equal(lone.tensors.size, 0);
    await lone.close();
    const stack = new PickleAsm().proto(2);
    for (let i = 0; i < 2000; i++) stack.op(OP.NONE);
    await refuses(stack.stop().bytes(), /its stack grows past 1000 values/, {
      pickleLimits: { maxStack: 1000 },
    });
    const objects = new PickleAsm().proto(2).op(OP.EMPTY_LIST);
    for (let i = 0; i < 2000; i++) objects.op(OP.EMPTY_LIST).op(OP.APPEND);
    await refuses(objects.stop().bytes(), /creates more than 1000 objects/, {
      pickleLimits: { maxObjects: 1000 },
    });
    await refuses(
      new PickleAsm().proto(2).raw(0x58, 0xf0, 0xff, 0xff, 0xff, 0x41).stop().bytes(),
      /BINUNICODE needs 4294967280 bytes but only 2 remain \(truncated\)/,
    );
    await refuses(
      new PickleAsm().proto(4).raw(0x8d, 0, 0, 0, 0, 0, 0, 0, 0x10).stop().bytes(),
      /BINUNICODE8 claims 1152921504606846976 bytes, more than the whole pickle/,
    );
    await refuses(
      new PickleAsm().proto(2).raw(0x8b, 0, 0, 0, 0x10).stop().bytes(),
      /LONG4 of 268435456 bytes exceeds the reader's limit/,
    );
    await refuses(new PickleAsm().proto(2).raw(0xff).stop().bytes(), /unknown opcode 0xff/);
    await refuses(new PickleAsm().proto(2).op(OP.NONE).bytes(), /ends without a STOP opcode \(truncated\)/);
    await refuses(new PickleAsm().proto(6).stop().bytes(), /pickle protocol 6/);
    await refuses(new PickleAsm().proto(2).op(OP.APPEND).stop().bytes(), /pops from an empty stack/);
    const big = torchPickle(new FxOrderedDict([['w', fxTensor('F32', [2], [1, 2])]])).pkl;
    await refuses(big, /holds \d+ bytes, more than the reader's limit of 100/, { maxPickleBytes: 100 });
  });

  void test('storages named by bad persistent ids are refused', async () => {
    const pid = (items: (a: PickleAsm) => PickleAsm): Uint8Array =>
      items(new PickleAsm().proto(2).global('torch._utils', '_rebuild_tensor_v2').mark().mark())
        .op(OP.TUPLE)
        .op(OP.BINPERSID)
        .int(0)
        .int(2)
        .op(OP.TUPLE1)
        .int(1)
        .op(OP.TUPLE1)
        .op(OP.NEWFALSE)
        .op(OP.NONE)
        .op(OP.TUPLE)
        .op(OP.REDUCE)
        .stop()
        .bytes();
    await refuses(
      pid((a) =>
        a
          .binunicode('storage')
          .global('torch', 'FloatStorage')
          .binunicode('../../etc/passwd')
          .binunicode('cpu')
          .int(2),
      ),
      /invalid key/,
    );
    await refuses(
      pid((a) =>
        a.binunicode('module').global('torch', 'FloatStorage').binunicode('0').binunicode('cpu').int(2),
      ),
      /persistent id of kind the string "module"/,
    );
    await refuses(
      pid((a) =>
        a
          .binunicode('storage')
          .global('torch', 'ComplexFloatStorage')
          .binunicode('0')
          .binunicode('cpu')
          .int(2),
      ),
      /torch\.ComplexFloatStorage, which this reader does not support/,
    );
    await refuses(
      pid((a) => a.binunicode('storage').global('torch', 'float32').binunicode('0').binunicode('cpu').int(2)),
      /has type torch\.float32, not a torch storage class/,
    );
  });

  void test('random corruption of a real torch pickle never crashes: it parses or fails with a reader error', () => {
    const valid = torchPickle(
      new FxOrderedDict([
        ['a', fxTensor('F32', [2, 2], [1, 2, 3, 4])],
        ['b', fxTensor('BF16', [3], [1, 2, 3], true)],
        ['c', fxTensor('I64', [1], [5n])],
      ]),
    ).pkl;
    let seed = 12345;
    const rnd = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    let parsed = 0;
    for (let i = 0; i < 4000; i++) {
      const b = Uint8Array.from(valid);
      for (let m = 1 + rnd(3); m > 0; m--) b[rnd(b.length)] = rnd(256);
      const cut = rnd(4) === 0 ? b.subarray(0, rnd(b.length)) : b;
      try {
        flattenCheckpoint(parsePickle(cut, torchHooks('fuzz.pth')));
        parsed++;
      } catch (e) {
        if (!(e instanceof PickleError || e instanceof PthError || e instanceof FlattenError)) {
          assert.fail(`mutation ${i} threw ${String(e)}`);
        }
      }
    }
    assert.ok(parsed < 4000);
  });
});
