// Test fixtures: torch.save-style zip archives, laid out as PyTorch's writer (miniz) lays them out:
// every entry stored (method 0) under "<archive>/", its data aligned to 64 bytes with an "FB"
// padding extra field, ZIP64 fields when an offset or size reaches 4 GiB, and a ZIP64 end record.

import { open } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';
import { torchPickle } from './fixture-pickle';
import type { Py } from './fixture-pickle';

export interface ZipRecord {
  name: string;
  /** bytes, or a length for a sparse (never written, reads as zeros) entry */
  data: Uint8Array | { sparseBytes: number };
  /** 8 = deflate (default 0 = stored) */
  method?: 0 | 8;
  /** set the "encrypted" flag */
  encrypted?: boolean;
}

export interface ZipOptions {
  /** write the ZIP64 end record + locator, as torch does (default true) */
  zip64End?: boolean;
  /** put every size and offset in ZIP64 fields (0xFFFFFFFF in the 32-bit ones) */
  forceZip64?: boolean;
}

interface Chunk {
  at: number;
  bytes: Uint8Array;
}

const SAT32 = 0xffffffff;
const ALIGN = 64;

class Buf {
  private bytes: number[] = [];
  u16(v: number): this {
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff);
    return this;
  }
  u32(v: number): this {
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    return this;
  }
  u64(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.bytes.push(...b);
    return this;
  }
  raw(b: Uint8Array | number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  out(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Lays out a zip archive as chunks at absolute offsets, plus the total size. */
export function layoutZip(records: ZipRecord[], opts: ZipOptions = {}): { chunks: Chunk[]; size: number } {
  const enc = new TextEncoder();
  const chunks: Chunk[] = [];
  const central = new Buf();
  let cursor = 0;
  for (const r of records) {
    const name = enc.encode(r.name);
    const method = r.method ?? 0;
    const raw = r.data instanceof Uint8Array ? r.data : undefined;
    const stored = raw && method === 8 ? deflateRawSync(raw) : raw;
    const size = raw ? raw.length : (r.data as { sparseBytes: number }).sparseBytes;
    const csize = stored ? stored.length : size;
    const crc = raw ? crc32(raw) : 0;
    const bigSize = opts.forceZip64 || size >= SAT32;
    const bigOffset = opts.forceZip64 || cursor >= SAT32;
    // local extra: ZIP64 field when needed, then "FB" padding so the data starts on a 64-byte boundary
    const z64Local = new Buf();
    if (bigSize || bigOffset) {
      const fields = new Buf();
      if (bigSize) fields.u64(size).u64(csize);
      if (bigOffset) fields.u64(cursor);
      z64Local.u16(1).u16(fields.length).raw(fields.out());
    }
    const start = cursor + 30 + name.length + z64Local.length + 4;
    const pad = (ALIGN - (start % ALIGN)) % ALIGN;
    const extra = new Buf()
      .raw(z64Local.out())
      .raw([0x46, 0x42])
      .u16(pad)
      .raw(new Array<number>(pad).fill(0x5a));
    const flags = r.encrypted ? 1 : 0;
    const local = new Buf()
      .u32(0x04034b50)
      .u16(bigSize || bigOffset ? 45 : 20)
      .u16(flags)
      .u16(method)
      .u16(0)
      .u16(0x21) // DOS time/date: fixed (1980-01-01) for reproducible files
      .u32(crc)
      .u32(bigSize ? SAT32 : csize)
      .u32(bigSize ? SAT32 : size)
      .u16(name.length)
      .u16(extra.length)
      .raw(name)
      .raw(extra.out());
    chunks.push({ at: cursor, bytes: local.out() });
    const dataAt = cursor + local.length;
    if (stored) chunks.push({ at: dataAt, bytes: stored });
    // central directory entry
    const z64c = new Buf();
    if (bigSize) z64c.u64(size).u64(csize);
    if (bigOffset) z64c.u64(cursor);
    const cextra = z64c.length ? new Buf().u16(1).u16(z64c.length).raw(z64c.out()) : new Buf();
    central
      .u32(0x02014b50)
      .u16(0x031e)
      .u16(bigSize || bigOffset ? 45 : 20)
      .u16(flags)
      .u16(method)
      .u16(0)
      .u16(0x21)
      .u32(crc)
      .u32(bigSize ? SAT32 : csize)
      .u32(bigSize ? SAT32 : size)
      .u16(name.length)
      .u16(cextra.length)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(bigOffset ? SAT32 : cursor)
      .raw(name)
      .raw(cextra.out());
    cursor = dataAt + csize;
  }
  const cdOffset = cursor;
  const cd = central.out();
  chunks.push({ at: cdOffset, bytes: cd });
  cursor += cd.length;
  const n = records.length;
  const tail = new Buf();
  if (opts.zip64End ?? true) {
    const z64At = cursor;
    tail.u32(0x06064b50).u64(44).u16(0x031e).u16(45).u32(0).u32(0).u64(n).u64(n).u64(cd.length).u64(cdOffset);
    tail.u32(0x07064b50).u32(0).u64(z64At).u32(1);
  }
  const sat = opts.forceZip64 || cdOffset >= SAT32;
  tail
    .u32(0x06054b50)
    .u16(0)
    .u16(0)
    .u16(Math.min(n, 0xffff))
    .u16(Math.min(n, 0xffff))
    .u32(sat ? SAT32 : cd.length)
    .u32(sat ? SAT32 : cdOffset)
    .u16(0);
  chunks.push({ at: cursor, bytes: tail.out() });
  return { chunks, size: cursor + tail.length };
}

export function zipBytes(records: ZipRecord[], opts: ZipOptions = {}): Buffer {
  const { chunks, size } = layoutZip(records, opts);
  const out = Buffer.alloc(size);
  for (const c of chunks) out.set(c.bytes, c.at);
  return out;
}

/** Writes the archive with positioned writes, so sparse entries cost no disk. */
export async function writeZip(path: string, records: ZipRecord[], opts: ZipOptions = {}): Promise<void> {
  const { chunks, size } = layoutZip(records, opts);
  const h = await open(path, 'w');
  try {
    for (const c of chunks) await h.write(c.bytes, 0, c.bytes.length, c.at);
    await h.truncate(size);
  } finally {
    await h.close();
  }
}

export interface TorchSaveOptions extends ZipOptions {
  /** the archive's folder (torch: the file's base name, or "archive") */
  archiveName?: string;
  /** write "<name>/byteorder" (default "little"; null: omit, as torch < 2.1 did) */
  byteorder?: string | null;
  /** replace data.pkl with these bytes */
  pkl?: Uint8Array;
  /** drop these storage keys from the archive */
  omitStorages?: string[];
}

/** The records torch.save writes for `obj`: data.pkl, byteorder, data/<key>…, version. */
export function torchSaveRecords(obj: Py, opts: TorchSaveOptions = {}): ZipRecord[] {
  const { pkl, storages } = torchPickle(obj);
  const name = opts.archiveName ?? 'archive';
  const records: ZipRecord[] = [{ name: `${name}/data.pkl`, data: opts.pkl ?? pkl }];
  const bo = opts.byteorder === undefined ? 'little' : opts.byteorder;
  if (bo !== null) records.push({ name: `${name}/byteorder`, data: new TextEncoder().encode(bo) });
  for (const s of storages) {
    if (opts.omitStorages?.includes(s.key)) continue;
    records.push({ name: `${name}/data/${s.key}`, data: s.bytes });
  }
  records.push({ name: `${name}/version`, data: new TextEncoder().encode('3\n') });
  return records;
}

export async function writeTorchSave(path: string, obj: Py, opts: TorchSaveOptions = {}): Promise<void> {
  await writeZip(path, torchSaveRecords(obj, opts), opts);
}
