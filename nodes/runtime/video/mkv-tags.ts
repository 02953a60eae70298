/**
 * A tiny Matroska file that holds nothing but global tags: the carrier through which the encoder
 * hands container metadata to ffmpeg (`-i tags.mkv -map_metadata 1`).
 *
 * Why not an ffmetadata text file: the ffmpeg shipped by `@ffmpeg-installer/ffmpeg` (a 2018 build)
 * reads ffmetadata lines into a fixed 1 KiB buffer and silently truncates longer values, and newer
 * builds mis-read a value ending in a backslash. Command-line `-metadata` is bounded by the OS
 * (32 K characters on Windows). Matroska tag strings are length-prefixed, so any UTF-8 text of any
 * length goes through unchanged, and tag names keep their case.
 */

function vintSize(n: number): Uint8Array {
  // Always the 8-byte form: 0x01 marker + 7 bytes big-endian (valid for sizes < 2^56 - 1).
  const out = new Uint8Array(8);
  out[0] = 0x01;
  let v = n;
  for (let i = 7; i >= 1; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

function idBytes(id: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Uint8Array.from(bytes);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function element(id: number, payload: Uint8Array | Uint8Array[]): Uint8Array {
  const body = Array.isArray(payload) ? concat(payload) : payload;
  return concat([idBytes(id), vintSize(body.length), body]);
}

function uint(id: number, v: number): Uint8Array {
  const bytes: number[] = [];
  for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return element(id, Uint8Array.from(bytes.length ? bytes : [0]));
}

const utf8 = (id: number, s: string) => element(id, new TextEncoder().encode(s));

const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimestampScale: 0x2ad7b1,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tags: 0x1254c367,
  Tag: 0x7373,
  Targets: 0x63c0,
  TargetTypeValue: 0x68ca,
  SimpleTag: 0x67c8,
  TagName: 0x45a3,
  TagLanguage: 0x447a,
  TagDefault: 0x4484,
  TagString: 0x4487,
  Cluster: 0x1f43b675,
  Timestamp: 0xe7,
} as const;

/** A Matroska file whose only content is the given global tags. */
export function matroskaTagsFile(tags: Readonly<Record<string, string>>): Uint8Array {
  const header = element(ID.EBML, [
    uint(ID.EBMLVersion, 1),
    uint(ID.EBMLReadVersion, 1),
    uint(ID.EBMLMaxIDLength, 4),
    uint(ID.EBMLMaxSizeLength, 8),
    utf8(ID.DocType, 'matroska'),
    uint(ID.DocTypeVersion, 4),
    uint(ID.DocTypeReadVersion, 2),
  ]);
  const info = element(ID.Info, [
    uint(ID.TimestampScale, 1_000_000),
    utf8(ID.MuxingApp, 'wan-studio'),
    utf8(ID.WritingApp, 'wan-studio'),
  ]);
  const simpleTags = Object.entries(tags).map(([name, value]) => {
    if (!name) throw new Error('A metadata key cannot be empty.');
    if (name.includes('\0') || value.includes('\0')) {
      throw new Error(
        `The metadata entry "${name}" contains a NUL character, which video containers cannot store.`,
      );
    }
    return element(ID.SimpleTag, [
      utf8(ID.TagName, name),
      utf8(ID.TagLanguage, 'und'),
      uint(ID.TagDefault, 1),
      utf8(ID.TagString, value),
    ]);
  });
  const tagsEl = element(ID.Tags, [
    element(ID.Tag, [element(ID.Targets, [uint(ID.TargetTypeValue, 50)]), ...simpleTags]),
  ]);
  // Demuxers read level-1 elements up to the first Cluster; an empty one ends the header cleanly.
  const cluster = element(ID.Cluster, [uint(ID.Timestamp, 0)]);
  return concat([header, element(ID.Segment, [info, tagsEl, cluster])]);
}
