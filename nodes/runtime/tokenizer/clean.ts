/**
 * Prompt cleaning before tokenization, as Wan's `HuggingfaceTokenizer(clean='whitespace')` does:
 *
 *   whitespace_clean(basic_clean(text))
 *   basic_clean      = ftfy.fix_text, then html.unescape twice, then strip
 *   whitespace_clean = every run of whitespace -> one space, then strip
 *
 * ftfy is a Python library; the character-level parts of its default `fix_text` are reproduced
 * here (terminal escapes, HTML entities when the text has no '<', curly quotes, Latin ligatures,
 * full/half-width forms, control characters, NFC). Its mojibake repair (re-decoding text that was
 * decoded with the wrong codec, e.g. "cafÃ©" -> "café") is NOT reproduced: such prompts may
 * tokenize differently from the official code.
 */
import { htmlUnescape } from './html';

/** Unicode White_Space (what Python's `regex` module matches with `\s`). */
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${WS}]+`, 'gu');
/** Python's str.strip() also strips the information separators U+001C-U+001F. */
const STRIP_SET = new RegExp(`^[${WS}\\u001c-\\u001f]+|[${WS}\\u001c-\\u001f]+$`, 'gu');

function pyStrip(text: string): string {
  return text.replace(STRIP_SET, '');
}

/** ANSI terminal escape sequences (colours, cursor moves). */
const TERMINAL_ESCAPES = /\u001b\[((?:\d|;)*)([a-zA-Z])/g;
const SINGLE_QUOTES = /[\u2018-\u201b]/g;
const DOUBLE_QUOTES = /[\u201c-\u201f]/g;
const LIGATURES: Record<string, string> = {
  '\u0132': 'IJ',
  '\u0133': 'ij',
  '\ufb00': 'ff',
  '\ufb01': 'fi',
  '\ufb02': 'fl',
  '\ufb03': 'ffi',
  '\ufb04': 'ffl',
  '\ufb05': '\u017ft',
  '\ufb06': 'st',
};
const LIGATURE_RE = /[\u0132\u0133\ufb00-\ufb06]/g;
/** Characters ftfy deletes as unintended control characters. */
const CONTROL_CHARS =
  /[\u0000-\u0008\u000b\u000e-\u001f\u007f\u206a-\u206f\ufeff\ufff9-\ufffc\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}]/gu;
/** Full-width and half-width forms: ftfy maps each to its NFKC form; U+3000 becomes a space. */
const WIDTH_RE = /[\u3000\uff01-\uffef]/g;

function fixWidth(ch: string): string {
  if (ch === '\u3000') return ' ';
  const alt = ch.normalize('NFKC');
  return alt;
}

/**
 * The character-level fixes of ftfy's default `fix_text` (see the module comment for what is not
 * reproduced). ftfy repeats its fixes until the text stops changing; so does this.
 */
export function ftfyLite(text: string): string {
  // ftfy decodes HTML entities itself only when the text does not look like HTML
  const unescape = !text.includes('<');
  let cur = text;
  for (let i = 0; i < 16; i++) {
    let t = cur.replace(TERMINAL_ESCAPES, '');
    if (unescape) t = htmlUnescape(t);
    t = t
      .replace(LIGATURE_RE, (c) => LIGATURES[c] ?? c)
      .replace(WIDTH_RE, fixWidth)
      .replace(SINGLE_QUOTES, "'")
      .replace(DOUBLE_QUOTES, '"')
      .replace(/\r\n|[\r\u2028\u2029\u0085]/g, '\n')
      .replace(CONTROL_CHARS, '')
      .normalize('NFC');
    if (t === cur) break;
    cur = t;
  }
  return cur;
}

/** Wan's `basic_clean`: ftfy fixes, HTML unescaped twice, stripped. */
export function basicClean(text: string): string {
  return pyStrip(htmlUnescape(htmlUnescape(ftfyLite(text))));
}

/** Wan's `whitespace_clean`: whitespace runs become one space, then strip. */
export function whitespaceClean(text: string): string {
  return pyStrip(text.replace(WS_RUN, ' '));
}

/** The cleaning Wan's T5 text encoder applies to every prompt (`clean='whitespace'`). */
export function cleanPrompt(text: string): string {
  return whitespaceClean(basicClean(text));
}
