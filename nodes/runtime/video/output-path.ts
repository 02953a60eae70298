/**
 * Output file names: a user's `filename_prefix` turned into a safe relative path inside the output
 * folder, plus a ComfyUI-style counter (`wan_00001.mp4`, `wan_00002.mp4`, ...).
 *
 * A prefix may name subfolders (`clips/wan` → `<out>/clips/wan_00001.mp4`), but never leaves the
 * output folder: `..` and `.` segments are dropped, absolute paths and drive letters become plain
 * folder names, characters Windows forbids (and control characters, NUL included) become `_`,
 * reserved device names (CON, NUL, COM1...) get a leading `_`, leading dots (hidden files) and
 * trailing dots/spaces are removed, each segment is cut to 80 characters, and at most 3 folders deep.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export const MAX_SEGMENT_CHARS = 80;
export const MAX_FOLDER_DEPTH = 3;
const COUNTER_DIGITS = 5;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

function cleanSegment(raw: string): string {
  let s = raw.normalize('NFC');
  // Windows-forbidden characters and control characters (NUL included).
  s = s.replace(/[<>:"|?*\u0000-\u001f\u007f]/g, '_');
  s = s
    .trim()
    .replace(/^\.+/, '')
    .replace(/[. ]+$/, '');
  const chars = Array.from(s); // whole code points, never half a surrogate pair
  if (chars.length > MAX_SEGMENT_CHARS)
    s = chars
      .slice(0, MAX_SEGMENT_CHARS)
      .join('')
      .replace(/[. ]+$/, '');
  if (RESERVED.test(s.split('.')[0])) s = '_' + s;
  return s;
}

/**
 * A safe relative path (segments joined with '/') for a user-given prefix; `fallback` when
 * nothing usable is left.
 */
export function sanitizePrefix(prefix: string, fallback = 'wan'): string {
  const segments = String(prefix ?? '')
    .split(/[\\/]+/)
    .map(cleanSegment)
    .filter((s) => s !== '');
  if (segments.length === 0) return fallback;
  const name = segments.pop()!;
  return [...segments.slice(0, MAX_FOLDER_DEPTH), name].join('/');
}

/** Whether `child` is `root` or inside it (lexically, after resolving). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(resolve(root), resolve(child));
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The next counter for `name` among existing entries (files or folders), starting at 1. */
export function nextCounter(existing: readonly string[], name: string): number {
  const re = new RegExp(`^${escapeRegExp(name)}_(\\d{${COUNTER_DIGITS},})(?:[._]|$)`, 'i');
  let max = 0;
  for (const e of existing) {
    const m = re.exec(e);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return max + 1;
}

export interface OutputPath {
  /** Absolute path of the file (or folder, when `ext` is empty). */
  path: string;
  /** Its folder (created). */
  dir: string;
  /** File name, e.g. `wan_00003.mp4`. */
  fileName: string;
  counter: number;
}

/**
 * Picks `<outputDir>/<sanitised prefix>_<counter>.<ext>` not yet taken (the counter follows the
 * highest one present for that prefix, any extension). Creates the containing folder. `ext`
 * without the dot; '' for a folder name (frame sequences).
 */
export async function nextOutputPath(
  outputDir: string,
  prefix: string,
  ext: string,
  fallback = 'wan',
): Promise<OutputPath> {
  const rel = sanitizePrefix(prefix, fallback);
  const parts = rel.split('/');
  const name = parts.pop()!;
  const root = resolve(outputDir);
  const dir = join(root, ...parts);
  if (!isInside(root, dir))
    throw new Error(`The file name prefix "${prefix}" points outside the output folder.`);
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir);
  const counter = nextCounter(entries, name);
  const cleanExt = ext.replace(/^\.+/, '').replace(/[^A-Za-z0-9]/g, '');
  const fileName = `${name}_${String(counter).padStart(COUNTER_DIGITS, '0')}${cleanExt ? '.' + cleanExt : ''}`;
  return { path: join(dir, fileName), dir, fileName, counter };
}
