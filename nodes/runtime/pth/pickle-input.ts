// The byte cursor of the pickle parser (bounds-checked reads of opcode arguments) and the decoders
// of its integer and string encodings. Every cursor failure is a PickleError naming the byte
// offset of the opcode being read.

export class PickleError extends Error {
  /** byte offset of the opcode that failed */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = 'PickleError';
    this.offset = offset;
  }
}

const utf8 = new TextDecoder('utf-8');

export class PickleInput {
  /** next byte to read */
  pos = 0;
  /** offset of the opcode being executed (for messages) */
  opAt = 0;
  private readonly dv: DataView;

  constructor(
    readonly data: Uint8Array,
    private readonly maxLine: number,
  ) {
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  fail(msg: string): never {
    throw new PickleError(`the pickle is invalid at byte ${this.opAt}: ${msg}`, this.opAt);
  }

  /** Reads the next opcode byte. */
  opcode(): number {
    this.opAt = this.pos;
    return this.data[this.pos++];
  }

  need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.data.length)
      this.fail(`${what} needs ${n} bytes but only ${this.data.length - this.pos} remain (truncated)`);
  }

  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    this.need(1, 'an argument');
    return this.data[this.pos++];
  }

  u16(): number {
    this.need(2, 'an argument');
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4, 'an argument');
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4, 'an argument');
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A 64-bit length, refused when it exceeds the whole pickle. */
  u64(what: string): number {
    this.need(8, what);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.data.length)) this.fail(`${what} claims ${v} bytes, more than the whole pickle`);
    return Number(v);
  }

  /** Big-endian float64 (BINFLOAT). */
  f64be(): number {
    this.need(8, 'BINFLOAT');
    const v = this.dv.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A text line without its newline (GLOBAL names, protocol-0 numbers). */
  line(what: string): string {
    const end = this.data.indexOf(0x0a, this.pos);
    if (end < 0 || end - this.pos > this.maxLine)
      this.fail(`${what} is not a text line of at most ${this.maxLine} bytes`);
    const s = utf8.decode(this.data.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
}

/** Little-endian two's-complement integer → number when safe, else bigint. */
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return toInt(v);
}

export function toInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Decodes Python's repr-style escapes used by the text STRING opcode. */
export function unescapePyString(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    };
    return simple[e] ?? `\\${e}`;
  });
}

/** The bytes of a string whose characters are all below 256 (Python's latin-1 encode). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) throw new Error('not a latin-1 string');
    out[i] = c;
  }
  return out;
}
