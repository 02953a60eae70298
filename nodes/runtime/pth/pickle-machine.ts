// The state of the pickle parser while it reads one pickle: the value stack with its MARKs, the
// memo, the hooks, and the limits that bound memory and time on hostile input. Opcode handlers
// (pickle-opcodes.ts) only touch the stream and the state through this class.

import { PickleInput, toInt } from './pickle-input';
import { PDict, describeValue } from './pickle-values';
import type { PValue } from './pickle-values';

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

export class PickleMachine {
  readonly inp: PickleInput;
  private readonly stack: PValue[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PValue>();
  private objects = 0;

  constructor(
    data: Uint8Array,
    readonly hooks: PickleHooks,
    readonly lim: PickleLimits,
  ) {
    this.inp = new PickleInput(data, lim.maxLine);
  }

  /** Throws a PickleError naming the offset of the current opcode. */
  fail(msg: string): never {
    return this.inp.fail(msg);
  }

  /** Counts a created container / string against `maxObjects`. */
  counted<T extends PValue>(v: T): T {
    if (++this.objects > this.lim.maxObjects)
      this.fail(
        `it creates more than ${this.lim.maxObjects} objects, the reader's limit (hostile or not a checkpoint)`,
      );
    return v;
  }

  // ---- the stack and its MARKs

  push(v: PValue): void {
    if (this.stack.length >= this.lim.maxStack)
      this.fail(`its stack grows past ${this.lim.maxStack} values, the reader's limit`);
    this.stack.push(v);
  }

  private floor(): number {
    return this.marks.length ? this.marks[this.marks.length - 1] : 0;
  }

  pop(): PValue {
    if (this.stack.length <= this.floor()) this.fail('an opcode pops from an empty stack');
    return this.stack.pop()!;
  }

  top(): PValue {
    if (this.stack.length <= this.floor()) this.fail('an opcode needs a value but the stack is empty');
    return this.stack[this.stack.length - 1];
  }

  /** The value STOP returns: the top of the whole stack (MARKs do not matter here). */
  result(): PValue {
    if (this.stack.length === 0) this.fail('STOP with an empty stack');
    return this.stack[this.stack.length - 1];
  }

  mark(): void {
    if (this.marks.length >= this.lim.maxMarks)
      this.fail(`it nests more than ${this.lim.maxMarks} MARKs, the reader's limit (a nesting bomb?)`);
    this.marks.push(this.stack.length);
  }

  /** Removes and returns the values above the innermost MARK. */
  popMark(): PValue[] {
    if (!this.marks.length) this.fail('an opcode needs a MARK but none is open');
    const m = this.marks.pop()!;
    return this.stack.splice(m);
  }

  /** POP: drops the top value, or an empty innermost MARK. */
  popOrMark(): void {
    if (this.marks.length && this.stack.length === this.marks[this.marks.length - 1]) this.marks.pop();
    else this.pop();
  }

  // ---- the memo

  put(idx: number): void {
    if (!this.memo.has(idx) && this.memo.size >= this.lim.maxMemo)
      this.fail(`its memo grows past ${this.lim.maxMemo} entries, the reader's limit`);
    this.memo.set(idx, this.top());
  }

  /** MEMOIZE: stores the top value in the next free slot. */
  memoize(): void {
    this.put(this.memo.size);
  }

  get(idx: number): void {
    if (!this.memo.has(idx)) this.fail(`it refers to memo slot ${idx}, which was never stored`);
    this.push(this.memo.get(idx)!);
  }

  // ---- value builders

  str(bytes: Uint8Array): string {
    return this.counted(utf8.decode(bytes));
  }

  bytesVal(bytes: Uint8Array): Uint8Array {
    return this.counted(bytes.slice());
  }

  /** A protocol-0 text integer ("123", "123L"). */
  textInt(s: string): number | bigint {
    const t = s.endsWith('L') ? s.slice(0, -1) : s;
    if (!/^[+-]?\d+$/.test(t) || t.length > this.lim.maxLongBytes)
      this.fail(`"${s.slice(0, 40)}" is not a valid integer`);
    return toInt(BigInt(t));
  }

  asList(v: PValue, op: string): PValue[] {
    if (!Array.isArray(v)) this.fail(`${op} targets ${describeValue(v)}, not a list`);
    return v;
  }

  asDict(v: PValue, op: string): PDict {
    if (!(v instanceof PDict)) this.fail(`${op} targets ${describeValue(v)}, not a dict`);
    return v;
  }

  asString(v: PValue, what: string): string {
    if (typeof v !== 'string') this.fail(`${what} is ${describeValue(v)}, not a string`);
    return v;
  }

  /** Sets key/value pairs (a flat list) on a dict. */
  setItems(d: PDict, items: PValue[]): void {
    if (items.length % 2) this.fail('SETITEMS has an odd number of values');
    for (let i = 0; i < items.length; i += 2) d.map.set(items[i], items[i + 1]);
  }

  /** Applies a callable through the hooks and pushes what they return. */
  call(callable: PValue, args: PValue[], op: string): void {
    this.push(this.counted(this.hooks.call(callable, args, op)));
  }
}
