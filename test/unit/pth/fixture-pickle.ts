// Test fixtures: a small pickler that emits the opcode sequence CPython's pickle (protocol 2) emits
// for what torch.save pickles (OrderedDict state dicts, _rebuild_tensor_v2 tensors, storages as
// persistent ids), plus a raw opcode assembler for hostile pickles.

import { DTYPE_SIZE } from '../../../nodes/runtime/safetensors/dtypes';

export type FxDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const FX_STORAGE_CLASS: Record<FxDtype, string> = {
  F32: 'FloatStorage',
  F16: 'HalfStorage',
  BF16: 'BFloat16Storage',
  F64: 'DoubleStorage',
  I64: 'LongStorage',
  I32: 'IntStorage',
  I16: 'ShortStorage',
  I8: 'CharStorage',
  U8: 'ByteStorage',
  BOOL: 'BoolStorage',
};

/** A storage: its bytes, or (for huge sparse test files) only a byte length. */
export class FxStorage {
  key = '';
  constructor(
    readonly dtype: FxDtype,
    readonly bytes: Uint8Array | { sparseBytes: number },
    /** the numel written into the persistent id (default: byte length / element size) */
    readonly declaredNumel?: number,
    /** storage class global (default: the legacy class of dtype) */
    readonly className?: { module: string; name: string },
  ) {}
  get byteLength(): number {
    return this.bytes instanceof Uint8Array ? this.bytes.length : this.bytes.sparseBytes;
  }
  get numel(): number {
    return this.declaredNumel ?? this.byteLength / DTYPE_SIZE[this.dtype];
  }
}

export class FxTensor {
  constructor(
    readonly storage: FxStorage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
    readonly parameter = false,
  ) {}
}

/** A Python tuple. */
export class FxTuple {
  constructor(readonly items: Py[]) {}
}
/** A Python float (plain JS numbers pickle as ints). */
export class FxFloat {
  constructor(readonly value: number) {}
}
/** collections.OrderedDict, optionally with the `_metadata` attribute state dicts carry. */
export class FxOrderedDict {
  constructor(
    readonly entries: [Py, Py][],
    readonly metadata?: FxOrderedDict,
  ) {}
}
/** A plain dict. */
export class FxDict {
  constructor(readonly entries: [Py, Py][]) {}
}
/** A reference to a global (pickled with GLOBAL). */
export class FxGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

export type Py =
  null | boolean | number | string | Py[] | FxTuple | FxFloat | FxOrderedDict | FxDict | FxGlobal | FxTensor;

const enc = new TextEncoder();

/** Byte-level writer of pickle opcodes (also used to build hostile pickles by hand). */
export class PickleAsm {
  private parts: number[] = [];
  raw(...bytes: number[]): this {
    for (const b of bytes) this.parts.push(b & 0xff);
    return this;
  }
  private u32(n: number): this {
    return this.raw(n, n >>> 8, n >>> 16, n >>> 24);
  }
  proto(v = 2): this {
    return this.raw(0x80, v);
  }
  stop(): this {
    return this.raw(0x2e);
  }
  mark(): this {
    return this.raw(0x28);
  }
  global(module: string, name: string): this {
    this.raw(0x63);
    for (const b of enc.encode(`${module}\n${name}\n`)) this.parts.push(b);
    return this;
  }
  inst(module: string, name: string): this {
    this.raw(0x69);
    for (const b of enc.encode(`${module}\n${name}\n`)) this.parts.push(b);
    return this;
  }
  binunicode(s: string): this {
    const b = enc.encode(s);
    this.raw(0x58).u32(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  shortBinunicode(s: string): this {
    const b = enc.encode(s);
    this.raw(0x8c, b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  int(n: number): this {
    if (n >= 0 && n <= 0xff) return this.raw(0x4b, n);
    if (n >= 0 && n <= 0xffff) return this.raw(0x4d, n, n >>> 8);
    if (n >= -0x80000000 && n <= 0x7fffffff) return this.raw(0x4a).u32(n >>> 0);
    // LONG1: little-endian two's complement, as short as possible
    let v = BigInt(n);
    const out: number[] = [];
    for (;;) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
      const signBit = (out[out.length - 1] & 0x80) !== 0;
      if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
    }
    return this.raw(0x8a, out.length, ...out);
  }
  binfloat(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.raw(0x47, ...b);
  }
  put(i: number): this {
    return i < 256 ? this.raw(0x71, i) : this.raw(0x72).u32(i);
  }
  get(i: number): this {
    return i < 256 ? this.raw(0x68, i) : this.raw(0x6a).u32(i);
  }
  op(code: number): this {
    return this.raw(code);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export const OP = {
  EMPTY_TUPLE: 0x29,
  TUPLE: 0x74,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  EMPTY_LIST: 0x5d,
  APPEND: 0x61,
  APPENDS: 0x65,
  EMPTY_DICT: 0x7d,
  SETITEM: 0x73,
  SETITEMS: 0x75,
  REDUCE: 0x52,
  BUILD: 0x62,
  NEWOBJ: 0x81,
  OBJ: 0x6f,
  STACK_GLOBAL: 0x93,
  BINPERSID: 0x51,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  MEMOIZE: 0x94,
  DUP: 0x32,
  POP: 0x30,
} as const;

/**
 * Pickles `obj` the way CPython's Pickler (protocol 2) does with torch's persistent_id and
 * Tensor.__reduce_ex__: globals, strings and containers are memoized (BINPUT) and reused (BINGET).
 * Storages get keys "0", "1", … in order of first use; returns them in that order.
 */
export function torchPickle(obj: Py): { pkl: Uint8Array; storages: FxStorage[] } {
  const a = new PickleAsm().proto(2);
  const memo = new Map<unknown, number>();
  const storages: FxStorage[] = [];
  const memoize = (key: unknown): void => {
    const i = memo.size;
    memo.set(key, i);
    a.put(i);
  };
  const fromMemo = (key: unknown): boolean => {
    const i = memo.get(key);
    if (i === undefined) return false;
    a.get(i);
    return true;
  };
  const saveGlobal = (module: string, name: string): void => {
    const key = `global:${module}.${name}`;
    if (fromMemo(key)) return;
    a.global(module, name);
    memoize(key);
  };
  const saveStr = (s: string): void => {
    const key = `str:${s}`;
    if (fromMemo(key)) return;
    a.binunicode(s);
    memoize(key);
  };
  const saveTuple = (items: (() => void)[], identity: object): void => {
    if (items.length === 0) {
      a.op(OP.EMPTY_TUPLE);
      return;
    }
    if (items.length <= 3) {
      for (const f of items) f();
      a.op([OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length - 1]);
    } else {
      a.mark();
      for (const f of items) f();
      a.op(OP.TUPLE);
    }
    memoize(identity);
  };
  const saveItems = (entries: [Py, Py][]): void => {
    for (let i = 0; i < entries.length; i += 1000) {
      const batch = entries.slice(i, i + 1000);
      if (batch.length === 1) {
        save(batch[0][0]);
        save(batch[0][1]);
        a.op(OP.SETITEM);
      } else {
        a.mark();
        for (const [k, v] of batch) {
          save(k);
          save(v);
        }
        a.op(OP.SETITEMS);
      }
    }
  };
  const emptyOrderedDict = (): void => {
    // OrderedDict() → (OrderedDict, ()) reduced, then memoized
    saveGlobal('collections', 'OrderedDict');
    a.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
    memoize({});
  };
  const saveStorage = (s: FxStorage): void => {
    // persistent id ('storage', <class>, key, 'cpu', numel) → BINPERSID
    if (!storages.includes(s)) {
      s.key = String(storages.length);
      storages.push(s);
    }
    const cls = s.className ?? { module: 'torch', name: FX_STORAGE_CLASS[s.dtype] };
    saveTuple(
      [
        () => saveStr('storage'),
        () => saveGlobal(cls.module, cls.name),
        () => saveStr(s.key),
        () => saveStr('cpu'),
        () => a.int(s.numel),
      ],
      {},
    );
    a.op(OP.BINPERSID);
  };
  const saveTensorBody = (t: FxTensor): void => {
    saveGlobal('torch._utils', '_rebuild_tensor_v2');
    saveTuple(
      [
        () => saveStorage(t.storage),
        () => a.int(t.offset),
        () =>
          saveTuple(
            t.shape.map((d) => () => a.int(d)),
            {},
          ),
        () =>
          saveTuple(
            t.stride.map((d) => () => a.int(d)),
            {},
          ),
        () => a.op(OP.NEWFALSE),
        emptyOrderedDict,
      ],
      {},
    );
    a.op(OP.REDUCE);
  };
  function save(v: Py): void {
    if (v === null) a.op(OP.NONE);
    else if (v === true) a.op(OP.NEWTRUE);
    else if (v === false) a.op(OP.NEWFALSE);
    else if (typeof v === 'number') a.int(v);
    else if (typeof v === 'string') saveStr(v);
    else if (fromMemo(v)) return;
    else if (v instanceof FxFloat) a.binfloat(v.value);
    else if (v instanceof FxGlobal) saveGlobal(v.module, v.name);
    else if (v instanceof FxTuple)
      saveTuple(
        v.items.map((x) => () => save(x)),
        v,
      );
    else if (Array.isArray(v)) {
      a.op(OP.EMPTY_LIST);
      memoize(v);
      for (let i = 0; i < v.length; i += 1000) {
        const batch = v.slice(i, i + 1000);
        if (batch.length === 1) {
          save(batch[0]);
          a.op(OP.APPEND);
        } else {
          a.mark();
          batch.forEach(save);
          a.op(OP.APPENDS);
        }
      }
    } else if (v instanceof FxDict) {
      a.op(OP.EMPTY_DICT);
      memoize(v);
      saveItems(v.entries);
    } else if (v instanceof FxOrderedDict) {
      saveGlobal('collections', 'OrderedDict');
      a.op(OP.EMPTY_TUPLE).op(OP.REDUCE);
      memoize(v);
      saveItems(v.entries);
      if (v.metadata) {
        // state = {'_metadata': OrderedDict(...)} then BUILD
        save(new FxDict([['_metadata', v.metadata]]));
        a.op(OP.BUILD);
      }
    } else if (v instanceof FxTensor) {
      if (v.parameter) {
        // Parameter.__reduce_ex__ → (_rebuild_parameter, (data, requires_grad, OrderedDict()))
        saveGlobal('torch._utils', '_rebuild_parameter');
        saveTuple(
          [
            () => {
              saveTensorBody(v);
              memoize({});
            },
            () => a.op(OP.NEWTRUE),
            emptyOrderedDict,
          ],
          {},
        );
        a.op(OP.REDUCE);
      } else saveTensorBody(v);
      memoize(v);
    }
  }
  save(obj);
  a.stop();
  return { pkl: a.bytes(), storages };
}
