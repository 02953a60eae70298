import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PDict, PSet, PTuple, parsePickle } from '../../../nodes/runtime/pth/pickle';
import type { PValue } from '../../../nodes/runtime/pth/pickle';
import { torchHooks } from '../../../nodes/runtime/pth/torch-pickle';
import type { TorchTensor } from '../../../nodes/runtime/pth/torch-pickle';
import { flattenCheckpoint } from '../../../nodes/runtime/pth/flatten';
import { FxDict, FxTuple, OP, PickleAsm, fxTensor, torchPickle } from './fixture';

const enc = new TextEncoder();
const parse = (b: Uint8Array): PValue => parsePickle(b, torchHooks('t.pth'));
const text = (s: string): Uint8Array => enc.encode(s);

/** Plain JS view of a parsed value, for comparisons. */
function plain(v: PValue): unknown {
  if (v instanceof PTuple) return { tuple: v.items.map(plain) };
  if (v instanceof PDict)
    return Object.fromEntries(
      [...v.map].map(([k, x]) => [typeof k === 'string' ? k : JSON.stringify(plain(k)), plain(x)]),
    );
  if (v instanceof PSet) return { [v.frozen ? 'frozenset' : 'set']: v.items.map(plain) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  return v;
}

void describe('pickle parser: opcodes of protocols 0–5', () => {
  void test('binary scalars: ints of every width, LONG1 (negative and beyond 2^53), BINFLOAT, bools, None', () => {
    const a = new PickleAsm().proto(2).mark();
    a.int(7)
      .int(65535)
      .int(-5)
      .int(2 ** 31)
      .int(-(2 ** 40));
    a.raw(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0); // LONG1: 2^63
    a.raw(0x8a, 0); // LONG1 of zero bytes = 0
    a.binfloat(-1.5).op(OP.NEWTRUE).op(OP.NEWFALSE).op(OP.NONE).op(OP.TUPLE).stop();
    assert.deepEqual(plain(parse(a.bytes())), {
      tuple: [7, 65535, -5, 2 ** 31, -(2 ** 40), 2n ** 63n, 0, -1.5, true, false, null],
    });
  });

  void test('protocol 0 text opcodes: INT, LONG, FLOAT, STRING, UNICODE, PUT/GET, LIST, DICT, TUPLE', () => {
    const src = `(I42\nI01\nL123456789012345678901L\nF-0.25\nS'it\\'s\\n'\nVcaf\\u00e9\np0\ng0\n(lp1\nI1\na(dp2\nS'k'\nI2\nst.`;
    assert.deepEqual(plain(parse(text(src))), {
      tuple: [42, true, 123456789012345678901n, -0.25, "it's\n", 'café', 'café', [1], { k: 2 }],
    });
  });

  void test('protocol 4/5: FRAME, SHORT_BINUNICODE, BINUNICODE8, MEMOIZE, sets, frozensets, bytes and bytearrays', () => {
    const a = new PickleAsm().mark();
    a.shortBinunicode('héllo').op(OP.MEMOIZE).get(0);
    a.raw(0x8d, 2, 0, 0, 0, 0, 0, 0, 0, 0x6f, 0x6b);
    a.raw(0x8f).mark().int(1).int(2).raw(0x90); // EMPTY_SET, MARK, ADDITEMS
    a.mark().int(3).raw(0x91); // FROZENSET
    a.raw(0x43, 2, 1, 2); // SHORT_BINBYTES
    a.raw(0x96, 1, 0, 0, 0, 0, 0, 0, 0, 9).raw(0x98); // BYTEARRAY8 + READONLY_BUFFER
    const body = a.op(OP.TUPLE).stop().bytes();
    const framed = new PickleAsm()
      .proto(5)
      .raw(0x95, body.length, 0, 0, 0, 0, 0, 0, 0)
      .raw(...body)
      .bytes();
    assert.deepEqual(plain(parse(framed)), {
      tuple: ['héllo', 'héllo', 'ok', { set: [1, 2] }, { frozenset: [3] }, { bytes: [1, 2] }, { bytes: [9] }],
    });
  });

  void test('allowed constructors: OrderedDict with pairs, builtins.set, torch.Size, _codecs.encode (protocol-2 bytes), torch.device', () => {
    const a = new PickleAsm().proto(2).mark();
    a.global('collections', 'OrderedDict')
      .op(OP.EMPTY_LIST)
      .binunicode('a')
      .int(1)
      .op(OP.TUPLE2)
      .op(OP.APPEND)
      .op(OP.TUPLE1)
      .op(OP.REDUCE);
    a.global('__builtin__', 'set').op(OP.EMPTY_LIST).int(4).op(OP.APPEND).op(OP.TUPLE1).op(OP.REDUCE);
    a.global('torch', 'Size').int(2).int(3).op(OP.TUPLE2).op(OP.TUPLE1).op(OP.REDUCE);
    a.global('_codecs', 'encode').binunicode('\u00ff\u0001').binunicode('latin1').op(OP.TUPLE2).op(OP.REDUCE);
    a.global('torch', 'device').binunicode('cuda').int(1).op(OP.TUPLE2).op(OP.REDUCE);
    a.op(OP.TUPLE).stop();
    assert.deepEqual(plain(parse(a.bytes())), {
      tuple: [{ a: 1 }, { set: [4] }, { tuple: [2, 3] }, { bytes: [255, 1] }, 'cuda:1'],
    });
  });

  void test('tensor rebuild forms: _rebuild_tensor, _rebuild_tensor_v3 with a dtype, _rebuild_from_type_v2, NEWOBJ Parameter', () => {
    const pid = (a: PickleAsm, cls: string, key: string, numel: number): PickleAsm =>
      a
        .mark()
        .binunicode('storage')
        .global('torch', cls)
        .binunicode(key)
        .binunicode('cpu')
        .int(numel)
        .op(OP.TUPLE)
        .op(OP.BINPERSID);
    const a = new PickleAsm().proto(2).op(OP.EMPTY_DICT).mark();
    // v1: (storage, offset, size, stride)
    a.binunicode('v1').global('torch._utils', '_rebuild_tensor');
    pid(a.mark(), 'HalfStorage', '0', 4)
      .int(1)
      .int(3)
      .op(OP.TUPLE1)
      .int(1)
      .op(OP.TUPLE1)
      .op(OP.TUPLE)
      .op(OP.REDUCE);
    // v3: untyped storage of 16 bytes read as bfloat16
    a.binunicode('v3').global('torch._utils', '_rebuild_tensor_v3');
    pid(a.mark(), 'UntypedStorage', '1', 16)
      .int(0)
      .int(8)
      .op(OP.TUPLE1)
      .int(1)
      .op(OP.TUPLE1)
      .op(OP.NEWFALSE)
      .op(OP.NONE)
      .global('torch', 'bfloat16')
      .op(OP.TUPLE)
      .op(OP.REDUCE);
    // _rebuild_from_type_v2(_rebuild_tensor_v2, torch.Tensor, args, state)
    a.binunicode('sub')
      .global('torch._tensor', '_rebuild_from_type_v2')
      .mark()
      .global('torch._utils', '_rebuild_tensor_v2')
      .global('torch', 'Tensor');
    pid(a.mark(), 'LongStorage', '2', 2)
      .int(0)
      .int(2)
      .op(OP.TUPLE1)
      .int(1)
      .op(OP.TUPLE1)
      .op(OP.NEWFALSE)
      .op(OP.NONE)
      .op(OP.TUPLE);
    a.op(OP.EMPTY_DICT).op(OP.TUPLE).op(OP.REDUCE);
    // Parameter via NEWOBJ with a v2 tensor inside
    a.binunicode('param')
      .global('torch.nn.parameter', 'Parameter')
      .global('torch._utils', '_rebuild_tensor_v2');
    pid(a.mark(), 'FloatStorage', '3', 1)
      .int(0)
      .op(OP.EMPTY_TUPLE)
      .op(OP.EMPTY_TUPLE)
      .op(OP.NEWFALSE)
      .op(OP.NONE)
      .op(OP.TUPLE)
      .op(OP.REDUCE);
    a.op(OP.NEWTRUE).op(OP.TUPLE2).op(OP.NEWOBJ);
    a.op(OP.SETITEMS).stop();
    const { tensors } = flattenCheckpoint(parse(a.bytes()));
    const view = (t: TorchTensor): unknown => [
      t.dtype,
      t.storage.key,
      t.storage.dtype,
      t.offset,
      t.shape,
      t.stride,
    ];
    assert.deepEqual(
      [...tensors].map(([k, t]) => [k, view(t)]),
      [
        ['v1', ['F16', '0', 'F16', 1, [3], [1]]],
        ['v3', ['BF16', '1', 'U8', 0, [8], [1]]],
        ['sub', ['I64', '2', 'I64', 0, [2], [1]]],
        ['param', ['F32', '3', 'F32', 0, [], []]],
      ],
    );
  });
});

void describe('flattenCheckpoint', () => {
  const flat = (d: FxDict): ReturnType<typeof flattenCheckpoint> =>
    flattenCheckpoint(parse(torchPickle(d).pkl));

  void test('scalars become metadata in Python spelling; None, tuple keys of scalars and "__proto__" are skipped safely', () => {
    const { tensors, metadata } = flat(
      new FxDict([
        ['ok', true],
        ['none', null],
        ['__proto__', 'x'],
        [new FxTuple([1, 2]), 3],
        [7, new FxDict([['w', fxTensor('F32', [1], [1])]])],
      ]),
    );
    assert.deepEqual(metadata, { ok: 'True' });
    assert.equal(Object.getPrototypeOf(metadata), Object.prototype);
    assert.deepEqual([...tensors.keys()], ['7.w']);
  });

  void test('tensors under a key that is not a name, and duplicate dotted names, are errors', () => {
    assert.throws(
      () => flat(new FxDict([[new FxTuple([1]), fxTensor('F32', [1], [1])]])),
      /has a dict key under "\(top level\)" that is not a name/,
    );
    assert.throws(
      () =>
        flat(
          new FxDict([
            ['a.b', fxTensor('F32', [1], [1])],
            ['a', new FxDict([['b', fxTensor('F32', [1], [2])]])],
          ]),
        ),
      /two tensors in the checkpoint are both named "a\.b"/,
    );
  });
});
