/**
 * FFmpeg's metadata text format (`-f ffmetadata`), parsed by a pure function.
 *
 *   ;FFMETADATA1
 *   key=value
 *   [STREAM] / [CHAPTER] sections follow the global tags
 *
 * In keys and values `=`, `;`, `#`, `\` and line breaks are escaped with a backslash; a backslash
 * followed by a line break continues the value on the next line. Lines starting with `;` or `#`
 * are comments. A raw `\r` is data (FFmpeg does not escape it).
 *
 * Only the reader is needed: the encoder hands tags to ffmpeg in a Matroska carrier (mkv-tags.ts).
 */

const HEADER = ';FFMETADATA1';

/**
 * Parses the global tags of an ffmetadata document (what `ffmpeg -i f -f ffmetadata -` prints).
 * Stream and chapter sections are ignored. Later duplicates win.
 */
export function parseFfmetadata(text: string): Record<string, string> {
  const tags: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  const n = text.length;
  let firstLine = true;
  while (i < n) {
    // Read one logical line, un-escaping as we go; note where the first unescaped '=' is.
    let line = '';
    let eq = -1;
    const startsRaw = text[i];
    while (i < n) {
      const c = text[i];
      if (c === '\\' && i + 1 < n) {
        line += text[i + 1];
        i += 2;
        continue;
      }
      if (c === '\n') {
        i++;
        break;
      }
      if (c === '=' && eq < 0) eq = line.length;
      line += c;
      i++;
    }
    if (firstLine) {
      firstLine = false;
      if (line.startsWith(HEADER)) continue;
    }
    // Comments and blank lines: judged on the raw first character (an escaped ';' is data).
    if (startsRaw === ';' || startsRaw === '#' || startsRaw === '\n' || line === '') continue;
    if (startsRaw === '[') break; // [STREAM] or [CHAPTER]: the global section is over
    if (eq < 0) continue; // not a tag line
    tags[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return tags;
}
