// A pickle PARSER (protocols 0–5): it reads the opcode stream and builds a plain data tree. It never
// imports, calls or evaluates anything: every global reference, call (REDUCE, NEWOBJ, INST, OBJ),
// BUILD and persistent id is handed to the caller's hooks, which accept an allow-list and refuse
// the rest. Hard limits bound memory and time on hostile input.

import { PickleInput, decodeLong, toInt, unescapePyString } from './pickle-input';
import { PDict, PSet, PTuple, describeValue } from './pickle-values';
import type { PValue } from './pickle-values';

export * from './pickle-values';
export { PickleError, latin1Bytes } from './pickle-input';

export interface PickleHooks {
  /** GLOBAL / STACK_GLOBAL / INST: what the global stands for; throw to refuse it. */
  global(module: string, name: string): PValue;
  /** REDUCE / NEWOBJ / NEWOBJ_EX / INST / OBJ: apply an accepted callable; throw to refuse. */
  call(callable: PValue, args: PValue[], opcode: string): PValue;
  /** BUILD: set `state` on `target` (which stays on the stack); throw to refuse. */
  build(target: PValue, state: PValue): void;
  /** PERSID / BINPERSID. */
  persistentLoad(pid: PValue): PValue;
}

export interface PickleLimits {
  /** values on the stack at once */
  maxStack: number;
  /** open MARKs at once */
  maxMarks: number;
  /** memo entries */
  maxMemo: number;
  /** containers, strings and byte strings created */
  maxObjects: number;
  /** bytes of one LONG1/LONG4/text integer */
  maxLongBytes: number;
  /** bytes of one text line (GLOBAL names, text numbers) */
  maxLine: number;
}

export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = {
  maxStack: 1_000_000,
  maxMarks: 10_000,
  maxMemo: 4_000_000,
  maxObjects: 4_000_000,
  maxLongBytes: 1024,
  maxLine: 4096,
};

const utf8 = new TextDecoder('utf-8');

function hex(op: number): string {
  return `0x${op.toString(16).padStart(2, '0')}`;
}

/** Parses one pickle (up to its STOP opcode) and returns the value it describes. */
export function parsePickle(
  data: Uint8Array,
  hooks: PickleHooks,
  limits: Partial<PickleLimits> = {},
): PValue {
  const lim: PickleLimits = { ...DEFAULT_PICKLE_LIMITS, ...limits };
  const inp = new PickleInput(data, lim.maxLine);
  const stack: PValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PValue>();
  let objects = 0;

  const fail = (msg: string): never => inp.fail(msg);
  const counted = <T extends PValue>(v: T): T => {
    if (++objects > lim.maxObjects)
      fail(
        `it creates more than ${lim.maxObjects} objects, the reader's limit (hostile or not a checkpoint)`,
      );
    return v;
  };
  const push = (v: PValue): void => {
    if (stack.length >= lim.maxStack) fail(`its stack grows past ${lim.maxStack} values, the reader's limit`);
    stack.push(v);
  };
  const pop = (): PValue => {
    const floor = marks.length ? marks[marks.length - 1] : 0;
    if (stack.length <= floor) fail('an opcode pops from an empty stack');
    return stack.pop()!;
  };
  const top = (): PValue => {
    const floor = marks.length ? marks[marks.length - 1] : 0;
    if (stack.length <= floor) fail('an opcode needs a value but the stack is empty');
    return stack[stack.length - 1];
  };
  const popMark = (): PValue[] => {
    if (!marks.length) fail('an opcode needs a MARK but none is open');
    const m = marks.pop()!;
    return stack.splice(m);
  };
  const put = (idx: number): void => {
    if (!memo.has(idx) && memo.size >= lim.maxMemo)
      fail(`its memo grows past ${lim.maxMemo} entries, the reader's limit`);
    memo.set(idx, top());
  };
  const get = (idx: number): void => {
    if (!memo.has(idx)) fail(`it refers to memo slot ${idx}, which was never stored`);
    push(memo.get(idx)!);
  };
  const str = (bytes: Uint8Array): string => counted(utf8.decode(bytes));
  const bytesVal = (bytes: Uint8Array): Uint8Array => counted(bytes.slice());
  const textInt = (s: string): number | bigint => {
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d+$/.test(t) || t.length > lim.maxLongBytes)
      fail(`"${s.slice(0, 40)}" is not a valid integer`);
    return toInt(BigInt(t));
  };
  const asList = (v: PValue, op: string): PValue[] => {
    if (!Array.isArray(v)) fail(`${op} targets ${describeValue(v)}, not a list`);
    return v as PValue[];
  };
  const asDict = (v: PValue, op: string): PDict => {
    if (!(v instanceof PDict)) fail(`${op} targets ${describeValue(v)}, not a dict`);
    return v as PDict;
  };
  const asString = (v: PValue, what: string): string => {
    if (typeof v !== 'string') fail(`${what} is ${describeValue(v)}, not a string`);
    return v as string;
  };
  const call = (callable: PValue, args: PValue[], op: string): void => {
    push(counted(hooks.call(callable, args, op)));
  };
  const setItems = (d: PDict, items: PValue[]): void => {
    if (items.length % 2) fail('SETITEMS has an odd number of values');
    for (let i = 0; i < items.length; i += 2) d.map.set(items[i], items[i + 1]);
  };

  while (!inp.done) {
    const op = inp.opcode();
    switch (op) {
      case 0x80: {
        // PROTO
        const v = inp.u8();
        if (v > 5) fail(`it uses pickle protocol ${v}; protocols 0–5 are supported`);
        break;
      }
      case 0x95: // FRAME: the length is only a hint for buffered readers
        inp.u64('a FRAME');
        break;
      case 0x2e: // STOP
        if (stack.length === 0) fail('STOP with an empty stack');
        return stack[stack.length - 1];
      case 0x28: // MARK
        if (marks.length >= lim.maxMarks)
          fail(`it nests more than ${lim.maxMarks} MARKs, the reader's limit (a nesting bomb?)`);
        marks.push(stack.length);
        break;
      case 0x30: // POP
        if (marks.length && stack.length === marks[marks.length - 1]) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      // ---- scalars
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x4b: // BININT1
        push(inp.u8());
        break;
      case 0x4d: // BININT2
        push(inp.u16());
        break;
      case 0x4a: // BININT
        push(inp.i32());
        break;
      case 0x8a: // LONG1
        {
          const n = inp.u8();
          push(decodeLong(inp.take(n, 'LONG1')));
        }
        break;
      case 0x8b: {
        // LONG4
        const n = inp.i32();
        if (n < 0 || n > lim.maxLongBytes)
          fail(`LONG4 of ${n} bytes exceeds the reader's limit of ${lim.maxLongBytes}`);
        push(decodeLong(inp.take(n, 'LONG4')));
        break;
      }
      case 0x49: {
        // INT (text); "01"/"00" are protocol-0 booleans
        const s = inp.line('INT');
        push(s === '01' ? true : s === '00' ? false : textInt(s));
        break;
      }
      case 0x4c: // LONG (text)
        push(textInt(inp.line('LONG')));
        break;
      case 0x46: {
        // FLOAT (text)
        const s = inp.line('FLOAT');
        const v = Number(s);
        if (s.trim() === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(s.trim())))
          fail(`"${s.slice(0, 40)}" is not a float`);
        push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        push(inp.f64be());
        break;
      // ---- strings and bytes
      case 0x58: // BINUNICODE
        push(str(inp.take(inp.u32(), 'BINUNICODE')));
        break;
      case 0x8c: // SHORT_BINUNICODE
        push(str(inp.take(inp.u8(), 'SHORT_BINUNICODE')));
        break;
      case 0x8d: // BINUNICODE8
        push(str(inp.take(inp.u64('BINUNICODE8'), 'BINUNICODE8')));
        break;
      case 0x56: {
        // UNICODE (text, raw-unicode-escape)
        const s = inp
          .line('UNICODE')
          .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a?: string, b?: string) =>
            String.fromCodePoint(parseInt((a ?? b)!, 16)),
          );
        push(counted(s));
        break;
      }
      case 0x55: // SHORT_BINSTRING (a Python 2 str; torch decodes these as UTF-8)
        push(str(inp.take(inp.u8(), 'SHORT_BINSTRING')));
        break;
      case 0x54: {
        // BINSTRING
        const n = inp.i32();
        push(str(inp.take(n, 'BINSTRING')));
        break;
      }
      case 0x53: {
        // STRING (text, quoted)
        const s = inp.line('STRING');
        const q = s[0];
        if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) fail('STRING is not quoted');
        push(counted(unescapePyString(s.slice(1, -1))));
        break;
      }
      case 0x43: // SHORT_BINBYTES
        push(bytesVal(inp.take(inp.u8(), 'SHORT_BINBYTES')));
        break;
      case 0x42: // BINBYTES
        push(bytesVal(inp.take(inp.u32(), 'BINBYTES')));
        break;
      case 0x8e: // BINBYTES8
        push(bytesVal(inp.take(inp.u64('BINBYTES8'), 'BINBYTES8')));
        break;
      case 0x96: // BYTEARRAY8
        push(bytesVal(inp.take(inp.u64('BYTEARRAY8'), 'BYTEARRAY8')));
        break;
      case 0x97: // NEXT_BUFFER
        fail('it uses out-of-band buffers (NEXT_BUFFER), which a file cannot carry');
        break;
      case 0x98: // READONLY_BUFFER
        top();
        break;
      // ---- containers
      case 0x29: // EMPTY_TUPLE
        push(counted(new PTuple([])));
        break;
      case 0x85: // TUPLE1
        push(counted(new PTuple([pop()])));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        push(counted(new PTuple([a, b])));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        push(counted(new PTuple([a, b, c])));
        break;
      }
      case 0x74: // TUPLE
        push(counted(new PTuple(popMark())));
        break;
      case 0x5d: // EMPTY_LIST
        push(counted([]));
        break;
      case 0x6c: // LIST
        push(counted(popMark()));
        break;
      case 0x61: {
        // APPEND
        const v = pop();
        asList(top(), 'APPEND').push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = asList(top(), 'APPENDS');
        for (const v of items) list.push(v);
        break;
      }
      case 0x7d: // EMPTY_DICT
        push(counted(new PDict()));
        break;
      case 0x64: {
        // DICT
        const d = counted(new PDict());
        setItems(d, popMark());
        push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        asDict(top(), 'SETITEM').map.set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(asDict(top(), 'SETITEMS'), items);
        break;
      }
      case 0x8f: // EMPTY_SET
        push(counted(new PSet(false)));
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        const s = top();
        if (!(s instanceof PSet) || s.frozen) fail(`ADDITEMS targets ${describeValue(s)}, not a set`);
        (s as PSet).items.push(...items);
        break;
      }
      case 0x91: {
        // FROZENSET
        const s = counted(new PSet(true));
        s.items.push(...popMark());
        push(s);
        break;
      }
      // ---- memo
      case 0x70: // PUT (text)
        put(Number(textInt(inp.line('PUT'))));
        break;
      case 0x71: // BINPUT
        put(inp.u8());
        break;
      case 0x72: // LONG_BINPUT
        put(inp.u32());
        break;
      case 0x94: // MEMOIZE
        put(memo.size);
        break;
      case 0x67: // GET (text)
        get(Number(textInt(inp.line('GET'))));
        break;
      case 0x68: // BINGET
        get(inp.u8());
        break;
      case 0x6a: // LONG_BINGET
        get(inp.u32());
        break;
      // ---- globals, calls, state: all through the hooks
      case 0x63: {
        // GLOBAL
        const module = inp.line('GLOBAL module');
        const name = inp.line('GLOBAL name');
        push(hooks.global(module, name));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = asString(pop(), 'the STACK_GLOBAL name');
        const module = asString(pop(), 'the STACK_GLOBAL module');
        push(hooks.global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const fn = pop();
        if (!(args instanceof PTuple)) fail(`REDUCE arguments are ${describeValue(args)}, not a tuple`);
        call(fn, (args as PTuple).items, 'REDUCE');
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!(args instanceof PTuple)) fail(`NEWOBJ arguments are ${describeValue(args)}, not a tuple`);
        call(cls, (args as PTuple).items, 'NEWOBJ');
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(args instanceof PTuple)) fail(`NEWOBJ_EX arguments are ${describeValue(args)}, not a tuple`);
        if (!(kwargs instanceof PDict) || kwargs.map.size)
          fail('NEWOBJ_EX with keyword arguments is not supported');
        call(cls, (args as PTuple).items, 'NEWOBJ_EX');
        break;
      }
      case 0x69: {
        // INST
        const module = inp.line('INST module');
        const name = inp.line('INST name');
        const args = popMark();
        call(hooks.global(module, name), args, 'INST');
        break;
      }
      case 0x6f: {
        // OBJ
        const items = popMark();
        if (!items.length) fail('OBJ without a class');
        call(items[0], items.slice(1), 'OBJ');
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        hooks.build(top(), state);
        break;
      }
      case 0x82:
      case 0x83:
      case 0x84:
        fail('it uses the copyreg extension registry (EXT1/EXT2/EXT4), which is not allowed');
        break;
      case 0x50: // PERSID (text)
        push(hooks.persistentLoad(counted(inp.line('PERSID'))));
        break;
      case 0x51: // BINPERSID
        push(hooks.persistentLoad(pop()));
        break;
      default:
        fail(`unknown opcode ${hex(op)} (the file is corrupt or not a pickle)`);
    }
  }
  inp.opAt = inp.pos;
  return fail('it ends without a STOP opcode (truncated)');
}
