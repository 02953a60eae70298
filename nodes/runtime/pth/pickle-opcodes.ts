// The opcode table of the pickle parser (protocols 0–5): what each opcode does to the machine's
// stack and memo. Nothing here imports, calls or evaluates anything: globals, calls, BUILD and
// persistent ids go to the caller's hooks. STOP is handled by the loop in pickle.ts.

import { decodeLong, unescapePyString } from './pickle-input';
import type { PickleMachine } from './pickle-machine';
import { PDict, PSet, PTuple, describeValue } from './pickle-values';

export type OpHandler = (m: PickleMachine) => void;

export const STOP = 0x2e;

/** PROTO, FRAME and the stack / MARK opcodes. */
const framing: Array<[number, OpHandler]> = [
  [
    0x80, // PROTO
    (m) => {
      const v = m.inp.u8();
      if (v > 5) m.fail(`it uses pickle protocol ${v}; protocols 0–5 are supported`);
    },
  ],
  [0x95, (m) => void m.inp.u64('a FRAME')], // FRAME: the length is only a hint for buffered readers
  [0x28, (m) => m.mark()], // MARK
  [0x30, (m) => m.popOrMark()], // POP
  [0x31, (m) => void m.popMark()], // POP_MARK
  [0x32, (m) => m.push(m.top())], // DUP
];

/** None, booleans, integers and floats. */
const scalars: Array<[number, OpHandler]> = [
  [0x4e, (m) => m.push(null)], // NONE
  [0x88, (m) => m.push(true)], // NEWTRUE
  [0x89, (m) => m.push(false)], // NEWFALSE
  [0x4b, (m) => m.push(m.inp.u8())], // BININT1
  [0x4d, (m) => m.push(m.inp.u16())], // BININT2
  [0x4a, (m) => m.push(m.inp.i32())], // BININT
  [
    0x8a, // LONG1
    (m) => {
      const n = m.inp.u8();
      m.push(decodeLong(m.inp.take(n, 'LONG1')));
    },
  ],
  [
    0x8b, // LONG4
    (m) => {
      const n = m.inp.i32();
      if (n < 0 || n > m.lim.maxLongBytes)
        m.fail(`LONG4 of ${n} bytes exceeds the reader's limit of ${m.lim.maxLongBytes}`);
      m.push(decodeLong(m.inp.take(n, 'LONG4')));
    },
  ],
  [
    0x49, // INT (text); "01"/"00" are protocol-0 booleans
    (m) => {
      const s = m.inp.line('INT');
      m.push(s === '01' ? true : s === '00' ? false : m.textInt(s));
    },
  ],
  [0x4c, (m) => m.push(m.textInt(m.inp.line('LONG')))], // LONG (text)
  [
    0x46, // FLOAT (text)
    (m) => {
      const s = m.inp.line('FLOAT');
      const v = Number(s);
      if (s.trim() === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(s.trim())))
        m.fail(`"${s.slice(0, 40)}" is not a float`);
      m.push(v);
    },
  ],
  [0x47, (m) => m.push(m.inp.f64be())], // BINFLOAT (big-endian)
];

/** Text and byte strings. */
const strings: Array<[number, OpHandler]> = [
  [0x58, (m) => m.push(m.str(m.inp.take(m.inp.u32(), 'BINUNICODE')))], // BINUNICODE
  [0x8c, (m) => m.push(m.str(m.inp.take(m.inp.u8(), 'SHORT_BINUNICODE')))], // SHORT_BINUNICODE
  [0x8d, (m) => m.push(m.str(m.inp.take(m.inp.u64('BINUNICODE8'), 'BINUNICODE8')))], // BINUNICODE8
  [
    0x56, // UNICODE (text, raw-unicode-escape)
    (m) => {
      const s = m.inp
        .line('UNICODE')
        .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a?: string, b?: string) =>
          String.fromCodePoint(parseInt((a ?? b)!, 16)),
        );
      m.push(m.counted(s));
    },
  ],
  // SHORT_BINSTRING, BINSTRING: Python 2 str; torch decodes these as UTF-8
  [0x55, (m) => m.push(m.str(m.inp.take(m.inp.u8(), 'SHORT_BINSTRING')))],
  [
    0x54,
    (m) => {
      const n = m.inp.i32();
      m.push(m.str(m.inp.take(n, 'BINSTRING')));
    },
  ],
  [
    0x53, // STRING (text, quoted)
    (m) => {
      const s = m.inp.line('STRING');
      const q = s[0];
      if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) m.fail('STRING is not quoted');
      m.push(m.counted(unescapePyString(s.slice(1, -1))));
    },
  ],
  [0x43, (m) => m.push(m.bytesVal(m.inp.take(m.inp.u8(), 'SHORT_BINBYTES')))], // SHORT_BINBYTES
  [0x42, (m) => m.push(m.bytesVal(m.inp.take(m.inp.u32(), 'BINBYTES')))], // BINBYTES
  [0x8e, (m) => m.push(m.bytesVal(m.inp.take(m.inp.u64('BINBYTES8'), 'BINBYTES8')))], // BINBYTES8
  [0x96, (m) => m.push(m.bytesVal(m.inp.take(m.inp.u64('BYTEARRAY8'), 'BYTEARRAY8')))], // BYTEARRAY8
  [0x97, (m) => m.fail('it uses out-of-band buffers (NEXT_BUFFER), which a file cannot carry')], // NEXT_BUFFER
  [0x98, (m) => void m.top()], // READONLY_BUFFER
];

/** Tuples, lists, dicts and sets. */
const containers: Array<[number, OpHandler]> = [
  [0x29, (m) => m.push(m.counted(new PTuple([])))], // EMPTY_TUPLE
  [0x85, (m) => m.push(m.counted(new PTuple([m.pop()])))], // TUPLE1
  [
    0x86, // TUPLE2
    (m) => {
      const b = m.pop();
      const a = m.pop();
      m.push(m.counted(new PTuple([a, b])));
    },
  ],
  [
    0x87, // TUPLE3
    (m) => {
      const c = m.pop();
      const b = m.pop();
      const a = m.pop();
      m.push(m.counted(new PTuple([a, b, c])));
    },
  ],
  [0x74, (m) => m.push(m.counted(new PTuple(m.popMark())))], // TUPLE
  [0x5d, (m) => m.push(m.counted([]))], // EMPTY_LIST
  [0x6c, (m) => m.push(m.counted(m.popMark()))], // LIST
  [
    0x61, // APPEND
    (m) => {
      const v = m.pop();
      m.asList(m.top(), 'APPEND').push(v);
    },
  ],
  [
    0x65, // APPENDS
    (m) => {
      const items = m.popMark();
      const list = m.asList(m.top(), 'APPENDS');
      for (const v of items) list.push(v);
    },
  ],
  [0x7d, (m) => m.push(m.counted(new PDict()))], // EMPTY_DICT
  [
    0x64, // DICT
    (m) => {
      const d = m.counted(new PDict());
      m.setItems(d, m.popMark());
      m.push(d);
    },
  ],
  [
    0x73, // SETITEM
    (m) => {
      const v = m.pop();
      const k = m.pop();
      m.asDict(m.top(), 'SETITEM').map.set(k, v);
    },
  ],
  [
    0x75, // SETITEMS
    (m) => {
      const items = m.popMark();
      m.setItems(m.asDict(m.top(), 'SETITEMS'), items);
    },
  ],
  [0x8f, (m) => m.push(m.counted(new PSet(false)))], // EMPTY_SET
  [
    0x90, // ADDITEMS
    (m) => {
      const items = m.popMark();
      const s = m.top();
      if (!(s instanceof PSet) || s.frozen) m.fail(`ADDITEMS targets ${describeValue(s)}, not a set`);
      (s as PSet).items.push(...items);
    },
  ],
  [
    0x91, // FROZENSET
    (m) => {
      const s = m.counted(new PSet(true));
      s.items.push(...m.popMark());
      m.push(s);
    },
  ],
];

/** PUT / GET in their text, 1-byte and 4-byte forms, and MEMOIZE. */
const memo: Array<[number, OpHandler]> = [
  [0x70, (m) => m.put(Number(m.textInt(m.inp.line('PUT'))))], // PUT (text)
  [0x71, (m) => m.put(m.inp.u8())], // BINPUT
  [0x72, (m) => m.put(m.inp.u32())], // LONG_BINPUT
  [0x94, (m) => m.memoize()], // MEMOIZE
  [0x67, (m) => m.get(Number(m.textInt(m.inp.line('GET'))))], // GET (text)
  [0x68, (m) => m.get(m.inp.u8())], // BINGET
  [0x6a, (m) => m.get(m.inp.u32())], // LONG_BINGET
];

/** Globals, calls, BUILD and persistent ids: all through the hooks. */
const hooked: Array<[number, OpHandler]> = [
  [
    0x63, // GLOBAL
    (m) => {
      const module = m.inp.line('GLOBAL module');
      const name = m.inp.line('GLOBAL name');
      m.push(m.hooks.global(module, name));
    },
  ],
  [
    0x93, // STACK_GLOBAL
    (m) => {
      const name = m.asString(m.pop(), 'the STACK_GLOBAL name');
      const module = m.asString(m.pop(), 'the STACK_GLOBAL module');
      m.push(m.hooks.global(module, name));
    },
  ],
  [
    0x52, // REDUCE
    (m) => {
      const args = m.pop();
      const fn = m.pop();
      if (!(args instanceof PTuple)) m.fail(`REDUCE arguments are ${describeValue(args)}, not a tuple`);
      m.call(fn, (args as PTuple).items, 'REDUCE');
    },
  ],
  [
    0x81, // NEWOBJ
    (m) => {
      const args = m.pop();
      const cls = m.pop();
      if (!(args instanceof PTuple)) m.fail(`NEWOBJ arguments are ${describeValue(args)}, not a tuple`);
      m.call(cls, (args as PTuple).items, 'NEWOBJ');
    },
  ],
  [
    0x92, // NEWOBJ_EX
    (m) => {
      const kwargs = m.pop();
      const args = m.pop();
      const cls = m.pop();
      if (!(args instanceof PTuple)) m.fail(`NEWOBJ_EX arguments are ${describeValue(args)}, not a tuple`);
      if (!(kwargs instanceof PDict) || kwargs.map.size)
        m.fail('NEWOBJ_EX with keyword arguments is not supported');
      m.call(cls, (args as PTuple).items, 'NEWOBJ_EX');
    },
  ],
  [
    0x69, // INST
    (m) => {
      const module = m.inp.line('INST module');
      const name = m.inp.line('INST name');
      const args = m.popMark();
      m.call(m.hooks.global(module, name), args, 'INST');
    },
  ],
  [
    0x6f, // OBJ
    (m) => {
      const items = m.popMark();
      if (!items.length) m.fail('OBJ without a class');
      m.call(items[0], items.slice(1), 'OBJ');
    },
  ],
  [
    0x62, // BUILD
    (m) => {
      const state = m.pop();
      m.hooks.build(m.top(), state);
    },
  ],
  ...[0x82, 0x83, 0x84].map((op): [number, OpHandler] => [
    op, // EXT1 / EXT2 / EXT4
    (m) => m.fail('it uses the copyreg extension registry (EXT1/EXT2/EXT4), which is not allowed'),
  ]),
  [0x50, (m) => m.push(m.hooks.persistentLoad(m.counted(m.inp.line('PERSID'))))], // PERSID (text)
  [0x51, (m) => m.push(m.hooks.persistentLoad(m.pop()))], // BINPERSID
];

/** Handler of every opcode byte (undefined: unknown opcode). */
export const OPCODE_TABLE: ReadonlyArray<OpHandler | undefined> = (() => {
  const table = new Array<OpHandler | undefined>(256).fill(undefined);
  for (const [op, handler] of [...framing, ...scalars, ...strings, ...containers, ...memo, ...hooked]) {
    if (table[op]) throw new Error(`internal: pickle opcode 0x${op.toString(16)} is defined twice`);
    table[op] = handler;
  }
  return table;
})();
