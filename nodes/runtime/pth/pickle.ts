// A pickle PARSER (protocols 0–5): it reads the opcode stream and builds a plain data tree. It never
// imports, calls or evaluates anything: every global reference, call (REDUCE, NEWOBJ, INST, OBJ),
// BUILD and persistent id is handed to the caller's hooks, which accept an allow-list and refuse
// the rest. Hard limits bound memory and time on hostile input.
//
// The parts: pickle-input.ts (the byte cursor and number/string decoders), pickle-values.ts (the
// data tree), pickle-machine.ts (stack, MARKs, memo, limits), pickle-opcodes.ts (what each opcode
// does); this file runs the loop.

import { DEFAULT_PICKLE_LIMITS, PickleMachine } from './pickle-machine';
import type { PickleHooks, PickleLimits } from './pickle-machine';
import { OPCODE_TABLE, STOP } from './pickle-opcodes';
import type { PValue } from './pickle-values';

export * from './pickle-values';
export { PickleError, latin1Bytes } from './pickle-input';
export { DEFAULT_PICKLE_LIMITS } from './pickle-machine';
export type { PickleHooks, PickleLimits } from './pickle-machine';

function hex(op: number): string {
  return `0x${op.toString(16).padStart(2, '0')}`;
}

/** Parses one pickle (up to its STOP opcode) and returns the value it describes. */
export function parsePickle(
  data: Uint8Array,
  hooks: PickleHooks,
  limits: Partial<PickleLimits> = {},
): PValue {
  const m = new PickleMachine(data, hooks, { ...DEFAULT_PICKLE_LIMITS, ...limits });
  const inp = m.inp;
  while (!inp.done) {
    const op = inp.opcode();
    if (op === STOP) return m.result();
    const handler = OPCODE_TABLE[op];
    if (!handler) return m.fail(`unknown opcode ${hex(op)} (the file is corrupt or not a pickle)`);
    handler(m);
  }
  inp.opAt = inp.pos;
  return m.fail('it ends without a STOP opcode (truncated)');
}
