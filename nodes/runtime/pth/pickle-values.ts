// The plain data tree the pickle parser builds. Nothing here can run code: a Python global is kept
// as a name (PGlobal) and only the caller's hooks decide what an allowed one stands for.

/** A Python tuple (arrays stand for lists). */
export class PTuple {
  constructor(readonly items: PValue[]) {}
}

/** A Python dict (insertion ordered, like Python's). Keys compare by value for scalars, by identity otherwise. */
export class PDict {
  readonly map = new Map<PValue, PValue>();
}

/** A Python set or frozenset. */
export class PSet {
  readonly items: PValue[] = [];
  constructor(readonly frozen: boolean) {}
}

/** A reference to a Python global (module + name) that the hooks accepted. */
export class PGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Values the hooks make (tensors, storages, …): subclass this. */
export abstract class PExt {
  abstract readonly ext: string;
}

export type PValue =
  null | boolean | number | bigint | string | Uint8Array | PValue[] | PTuple | PDict | PSet | PGlobal | PExt;

/** A short description of a value for error messages (never recursive). */
export function describeValue(v: PValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number' || typeof v === 'bigint') return `the number ${v}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (v instanceof PTuple) return `a tuple of ${v.items.length}`;
  if (v instanceof PDict) return `a dict of ${v.map.size}`;
  if (v instanceof PSet) return `a set of ${v.items.length}`;
  if (v instanceof PGlobal) return v.qualified;
  return `a ${v.ext}`;
}
