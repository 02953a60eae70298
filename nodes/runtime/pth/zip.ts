// A minimal ZIP reader for PyTorch checkpoints: reads the central directory (ZIP64 included) with
// positioned reads on a file handle and gives the absolute offset of each stored entry's bytes.
// The file is never read whole; only small metadata entries are ever read into memory.

import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { readExactly, readFailure } from '../safetensors/file-io';
import { PTH_FORMAT, PthError } from './errors';

export interface ZipEntry {
  /** full name inside the archive, e.g. "archive/data/0" */
  name: string;
  /** 0 = stored, 8 = deflate, … */
  method: number;
  /** general-purpose bit flags (bit 0: encrypted) */
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  /** in central-directory order */
  entries: ZipEntry[];
  byName: Map<string, ZipEntry>;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const MAX_COMMENT = 0xffff;

/** Limits that keep a hostile archive from exhausting memory. */
export const ZIP_LIMITS = {
  /** bytes of central directory read into memory */
  maxCentralDirectoryBytes: 512 * 1024 * 1024,
  maxEntries: 4_000_000,
};

/** Reads exactly `into.length` bytes at `position`; a short read means the file is truncated. */
export async function readAt(
  handle: FileHandle,
  file: string,
  into: Uint8Array,
  position: number,
  what: string,
): Promise<void> {
  await readExactly(handle, into, position, readFailure(PTH_FORMAT, file, what));
}

function u64(file: string, dv: DataView, at: number, what: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new PthError(file, `${file}: corrupt zip archive: ${what} is ${v}, beyond any real file size.`);
  return Number(v);
}

function notZip(file: string, why: string): PthError {
  return new PthError(file, `${file}: not a readable PyTorch zip checkpoint: ${why}.`);
}

interface EndRecord {
  entries: number;
  cdSize: number;
  cdOffset: number;
  /** where the (ZIP64 or plain) end record starts: the central directory must end before it */
  endStart: number;
}

async function readEndRecord(handle: FileHandle, file: string, fileSize: number): Promise<EndRecord> {
  if (fileSize < EOCD_SIZE) throw notZip(file, `the file has only ${fileSize} bytes`);
  const tailLen = Math.min(fileSize, EOCD_SIZE + MAX_COMMENT);
  const tailStart = fileSize - tailLen;
  const tail = new Uint8Array(tailLen);
  await readAt(handle, file, tail, tailStart, 'the end of the zip archive');
  const dv = new DataView(tail.buffer);
  let at = -1;
  for (let i = tailLen - EOCD_SIZE; i >= 0; i--) {
    if (dv.getUint32(i, true) === SIG_EOCD && i + EOCD_SIZE + dv.getUint16(i + 20, true) === tailLen) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    throw notZip(
      file,
      'it has no end-of-central-directory record (the download is probably incomplete or the file is truncated)',
    );
  }
  const eocdPos = tailStart + at;
  const disk = dv.getUint16(at + 4, true);
  const cdDisk = dv.getUint16(at + 6, true);
  let entries = dv.getUint16(at + 10, true);
  let cdSize = dv.getUint32(at + 12, true);
  let cdOffset = dv.getUint32(at + 16, true);
  let endStart = eocdPos;

  // A ZIP64 locator sits right before the end record when the archive uses ZIP64.
  if (eocdPos >= 20) {
    const loc = new Uint8Array(20);
    await readAt(handle, file, loc, eocdPos - 20, 'the ZIP64 locator');
    const ldv = new DataView(loc.buffer);
    if (ldv.getUint32(0, true) === SIG_ZIP64_LOCATOR) {
      const z64Pos = u64(file, ldv, 8, 'the ZIP64 end-record offset');
      if (z64Pos + 56 > eocdPos - 20)
        throw notZip(file, 'its ZIP64 end record points outside the archive (the file is corrupt)');
      const rec = new Uint8Array(56);
      await readAt(handle, file, rec, z64Pos, 'the ZIP64 end record');
      const rdv = new DataView(rec.buffer);
      if (rdv.getUint32(0, true) !== SIG_ZIP64_EOCD)
        throw notZip(file, 'its ZIP64 end record is missing or damaged (the file is corrupt)');
      if (rdv.getUint32(16, true) !== 0 || rdv.getUint32(20, true) !== 0)
        throw notZip(file, 'it is a multi-part (spanned) zip archive');
      entries = u64(file, rdv, 32, 'the entry count');
      cdSize = u64(file, rdv, 40, 'the central directory size');
      cdOffset = u64(file, rdv, 48, 'the central directory offset');
      endStart = z64Pos;
    }
  }
  if (endStart === eocdPos && (disk !== 0 || cdDisk !== 0))
    throw notZip(file, 'it is a multi-part (spanned) zip archive');
  if (cdOffset + cdSize > endStart) {
    throw notZip(
      file,
      `its central directory (${cdSize} bytes at offset ${cdOffset}) runs past the end record at ${endStart} (the file is truncated or corrupt)`,
    );
  }
  if (cdSize > ZIP_LIMITS.maxCentralDirectoryBytes)
    throw notZip(file, `its central directory claims ${cdSize} bytes, more than the reader's limit`);
  if (entries > ZIP_LIMITS.maxEntries)
    throw notZip(
      file,
      `it claims ${entries} entries, more than the reader's limit of ${ZIP_LIMITS.maxEntries}`,
    );
  return { entries, cdSize, cdOffset, endStart };
}

/** Reads and validates the central directory. */
export async function readZipDirectory(
  handle: FileHandle,
  file: string,
  fileSize: number,
): Promise<ZipDirectory> {
  const end = await readEndRecord(handle, file, fileSize);
  const cd = new Uint8Array(end.cdSize);
  await readAt(handle, file, cd, end.cdOffset, 'the zip central directory');
  const dv = new DataView(cd.buffer);
  const utf8 = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  const byName = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < end.entries; i++) {
    if (p + CENTRAL_HEADER_SIZE > cd.length || dv.getUint32(p, true) !== SIG_CENTRAL)
      throw notZip(file, `central directory entry ${i} is damaged (the file is corrupt)`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc32 = dv.getUint32(p + 16, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const diskStart = dv.getUint16(p + 34, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    const next = p + CENTRAL_HEADER_SIZE + nameLen + extraLen + commentLen;
    if (next > cd.length) throw notZip(file, `central directory entry ${i} runs past the directory's end`);
    const name = utf8.decode(cd.subarray(p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLen));

    // ZIP64 extended information: only the fields whose 32-bit value is saturated are present, in order.
    const needSize = size === 0xffffffff;
    const needComp = compressedSize === 0xffffffff;
    const needOffset = localHeaderOffset === 0xffffffff;
    if (needSize || needComp || needOffset) {
      let q = p + CENTRAL_HEADER_SIZE + nameLen;
      const extraEnd = q + extraLen;
      let found = false;
      while (q + 4 <= extraEnd) {
        const id = dv.getUint16(q, true);
        const len = dv.getUint16(q + 2, true);
        if (q + 4 + len > extraEnd) break;
        if (id === 0x0001) {
          let r = q + 4;
          const take = (what: string): number => {
            if (r + 8 > q + 4 + len) throw notZip(file, `the ZIP64 field of "${name}" is too short`);
            const v = u64(file, dv, r, `${what} of "${name}"`);
            r += 8;
            return v;
          };
          if (needSize) size = take('the size');
          if (needComp) compressedSize = take('the compressed size');
          if (needOffset) localHeaderOffset = take('the header offset');
          found = true;
          break;
        }
        q += 4 + len;
      }
      if (!found) throw notZip(file, `entry "${name}" needs ZIP64 sizes but has no ZIP64 field`);
    }
    if (diskStart !== 0 && diskStart !== 0xffff)
      throw notZip(file, 'it is a multi-part (spanned) zip archive');
    if (localHeaderOffset + LOCAL_HEADER_SIZE > end.cdOffset) {
      throw notZip(
        file,
        `entry "${name}" starts at ${localHeaderOffset}, past the file's data area (the file is truncated or corrupt)`,
      );
    }
    const entry: ZipEntry = { name, method, flags, crc32, compressedSize, size, localHeaderOffset };
    entries.push(entry);
    if (!byName.has(name)) byName.set(name, entry);
    p = next;
  }
  return { entries, byName };
}

function checkReadable(file: string, entry: ZipEntry, forData: boolean): void {
  if (entry.flags & 0x41) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" is encrypted; encrypted checkpoints cannot be read.`,
    );
  }
  if (forData && entry.method !== 0) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" is compressed (zip method ${entry.method}); tensor data must be stored uncompressed, as torch.save writes it. The archive was probably re-zipped: re-save it with torch.save or convert it to .safetensors.`,
    );
  }
}

/** Largest span of file read at once to fetch several neighbouring local headers. */
const HEADER_SPAN = 1024 * 1024;

/**
 * Absolute offset of each stored (uncompressed) entry's first byte, checked to lie inside the file.
 * Neighbouring local headers (checkpoints with thousands of
 * small tensors) are fetched with one read per megabyte instead of one read per entry.
 */
export async function entryDataOffsets(
  handle: FileHandle,
  file: string,
  entries: ZipEntry[],
  fileSize: number,
): Promise<Map<ZipEntry, number>> {
  for (const e of entries) checkReadable(file, e, true);
  const sorted = [...entries].sort((x, y) => x.localHeaderOffset - y.localHeaderOffset);
  const out = new Map<ZipEntry, number>();
  for (let i = 0; i < sorted.length;) {
    const first = sorted[i].localHeaderOffset;
    let j = i + 1;
    while (j < sorted.length && sorted[j].localHeaderOffset + LOCAL_HEADER_SIZE - first <= HEADER_SPAN) j++;
    const last = sorted[j - 1].localHeaderOffset;
    const buf = new Uint8Array(last + LOCAL_HEADER_SIZE - first);
    await readAt(handle, file, buf, first, 'the zip local headers');
    const dv = new DataView(buf.buffer);
    for (let k = i; k < j; k++)
      out.set(sorted[k], dataStart(file, sorted[k], dv, sorted[k].localHeaderOffset - first, fileSize));
    i = j;
  }
  return out;
}

async function localDataOffset(
  handle: FileHandle,
  file: string,
  entry: ZipEntry,
  fileSize: number,
): Promise<number> {
  const hdr = new Uint8Array(LOCAL_HEADER_SIZE);
  await readAt(handle, file, hdr, entry.localHeaderOffset, `the local header of "${entry.name}"`);
  return dataStart(file, entry, new DataView(hdr.buffer), 0, fileSize);
}

/** Data offset from a local header found at `at` in `dv` (the name and extra lengths are its own). */
function dataStart(file: string, entry: ZipEntry, dv: DataView, at: number, fileSize: number): number {
  if (dv.getUint32(at, true) !== SIG_LOCAL)
    throw notZip(file, `the local header of "${entry.name}" is missing or damaged (the file is corrupt)`);
  const start =
    entry.localHeaderOffset + LOCAL_HEADER_SIZE + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  if (start + entry.compressedSize > fileSize) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" needs ${entry.compressedSize} bytes at offset ${start}, but the file ends at ${fileSize} (the file is truncated).`,
    );
  }
  return start;
}

/** Reads a small entry (stored or deflated) whole; refuses entries larger than `maxBytes`. */
export async function readEntry(
  handle: FileHandle,
  file: string,
  entry: ZipEntry,
  fileSize: number,
  maxBytes: number,
): Promise<Uint8Array> {
  checkReadable(file, entry, false);
  if (entry.size > maxBytes || entry.compressedSize > maxBytes) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" holds ${entry.size} bytes, more than the reader's limit of ${maxBytes}.`,
    );
  }
  const start = await localDataOffset(handle, file, entry, fileSize);
  const raw = new Uint8Array(entry.compressedSize);
  await readAt(handle, file, raw, start, `entry "${entry.name}"`);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" uses zip compression method ${entry.method}, which is not supported.`,
    );
  }
  try {
    const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new PthError(
      file,
      `${file}: entry "${entry.name}" cannot be decompressed: ${(e as Error).message}.`,
    );
  }
}
