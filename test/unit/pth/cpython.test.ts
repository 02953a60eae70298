import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parsePickle } from '../../../nodes/runtime/pth/pickle';
import { torchHooks } from '../../../nodes/runtime/pth/torch-pickle';
import { flattenCheckpoint } from '../../../nodes/runtime/pth/flatten';
import { CPYTHON_PROTOCOL_2, CPYTHON_PROTOCOL_4 } from './cpython-pickles';
import { FxDict, FxFloat, FxOrderedDict, FxStorage, FxTensor, torchPickle } from './fixture';
import type { FxDtype } from './fixture';

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

/** The structure cpython-pickles.ts was generated from, built with the TS fixture. */
function sameStateDict(): FxOrderedDict {
  const st = (d: FxDtype, numel: number): FxStorage => new FxStorage(d, new Uint8Array(0), numel);
  const [s0, s1, s2, s3, s4, s5] = [
    st('F32', 6),
    st('BF16', 2),
    st('F32', 4),
    st('I64', 1),
    st('F16', 2),
    st('F64', 1),
  ];
  return new FxOrderedDict(
    [
      ['conv.weight', new FxTensor(s0, 0, [2, 3], [3, 1])],
      ['conv.bias', new FxTensor(s1, 0, [2], [1])],
      ['shared_a', new FxTensor(s2, 0, [2], [1])],
      ['shared_b', new FxTensor(s2, 2, [2], [1])],
      ['steps', new FxTensor(s3, 0, [1], [1])],
      ['param', new FxTensor(s4, 0, [2], [1], true)],
      ['nested', new FxDict([['inner', new FxTensor(s5, 0, [], [])]])],
      ['epoch', 5],
      ['big', 2 ** 40],
      ['neg', -70000],
      ['lr', new FxFloat(0.5)],
      ['names', ['a', 'b']],
    ],
    new FxOrderedDict([
      ['', new FxDict([['version', 1]])],
      ['conv', new FxDict([['version', 1]])],
    ]),
  );
}

void describe('CPython pickles of a torch-shaped state dict', () => {
  void test('the fixture writer emits byte for byte what CPython pickle protocol 2 emits', () => {
    assert.deepEqual(torchPickle(sameStateDict()).pkl, fromHex(CPYTHON_PROTOCOL_2));
  });

  void test('protocol 2 and protocol 4 (frames, STACK_GLOBAL, MEMOIZE) parse to the same tensors and metadata', () => {
    const read = (hex: string): unknown => {
      const f = flattenCheckpoint(parsePickle(fromHex(hex), torchHooks('cpython.pth')));
      return [
        [...f.tensors].map(([k, t]) => [
          k,
          t.dtype,
          t.storage.key,
          t.storage.numel,
          t.offset,
          t.shape,
          t.stride,
        ]),
        f.metadata,
      ];
    };
    const expected = [
      [
        ['conv.weight', 'F32', '0', 6, 0, [2, 3], [3, 1]],
        ['conv.bias', 'BF16', '1', 2, 0, [2], [1]],
        ['shared_a', 'F32', '2', 4, 0, [2], [1]],
        ['shared_b', 'F32', '2', 4, 2, [2], [1]],
        ['steps', 'I64', '3', 1, 0, [1], [1]],
        ['param', 'F16', '4', 2, 0, [2], [1]],
        ['nested.inner', 'F64', '5', 1, 0, [], []],
      ],
      { epoch: '5', big: '1099511627776', neg: '-70000', lr: '0.5', 'names.0': 'a', 'names.1': 'b' },
    ];
    assert.deepEqual(read(CPYTHON_PROTOCOL_2), expected);
    assert.deepEqual(read(CPYTHON_PROTOCOL_4), expected);
  });
});
