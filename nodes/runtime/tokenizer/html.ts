/**
 * HTML character-reference decoding with the rules of Python's `html.unescape` (HTML5):
 * decimal/hex references with or without `;`, the Windows-1252 remapping of 0x80-0x9F,
 * U+FFFD for 0, surrogates and out-of-range values, removal of invalid code points, and named
 * references (legacy names also without `;`, longest prefix wins).
 *
 * Only a common subset of the 2,231 HTML5 names is known; unknown names are left as they are.
 */

/** Named references that HTML5 also accepts without a trailing semicolon (subset). */
const LEGACY: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  laquo: '\u00ab',
  raquo: '\u00bb',
  middot: '\u00b7',
  deg: '\u00b0',
  times: '\u00d7',
  divide: '\u00f7',
  cent: '\u00a2',
  pound: '\u00a3',
  yen: '\u00a5',
  sect: '\u00a7',
  para: '\u00b6',
  shy: '\u00ad',
  iexcl: '\u00a1',
  iquest: '\u00bf',
  plusmn: '\u00b1',
  micro: '\u00b5',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
  sup2: '\u00b2',
  sup3: '\u00b3',
  eacute: '\u00e9',
  egrave: '\u00e8',
  aacute: '\u00e1',
  agrave: '\u00e0',
  uuml: '\u00fc',
  ouml: '\u00f6',
  auml: '\u00e4',
  Uuml: '\u00dc',
  Ouml: '\u00d6',
  Auml: '\u00c4',
  szlig: '\u00df',
  ccedil: '\u00e7',
  ntilde: '\u00f1',
  AMP: '&',
  LT: '<',
  GT: '>',
  QUOT: '"',
  COPY: '\u00a9',
  REG: '\u00ae',
};

/** Named references that need the semicolon (subset). */
const SEMI_ONLY: Record<string, string> = {
  apos: "'",
  hellip: '\u2026',
  mdash: '\u2014',
  ndash: '\u2013',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  sbquo: '\u201a',
  bdquo: '\u201e',
  bull: '\u2022',
  euro: '\u20ac',
  trade: '\u2122',
  larr: '\u2190',
  rarr: '\u2192',
  uarr: '\u2191',
  darr: '\u2193',
  hearts: '\u2665',
  star: '\u2606',
  check: '\u2713',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwj: '\u200d',
  zwnj: '\u200c',
  prime: '\u2032',
  Prime: '\u2033',
  infin: '\u221e',
  ne: '\u2260',
  le: '\u2264',
  ge: '\u2265',
};

/** Windows-1252 meanings of the C1 range, as HTML5 decodes numeric references 0x80-0x9F. */
const CP1252: Record<number, string> = {
  0x80: '\u20ac',
  0x82: '\u201a',
  0x83: '\u0192',
  0x84: '\u201e',
  0x85: '\u2026',
  0x86: '\u2020',
  0x87: '\u2021',
  0x88: '\u02c6',
  0x89: '\u2030',
  0x8a: '\u0160',
  0x8b: '\u2039',
  0x8c: '\u0152',
  0x8e: '\u017d',
  0x91: '\u2018',
  0x92: '\u2019',
  0x93: '\u201c',
  0x94: '\u201d',
  0x95: '\u2022',
  0x96: '\u2013',
  0x97: '\u2014',
  0x98: '\u02dc',
  0x99: '\u2122',
  0x9a: '\u0161',
  0x9b: '\u203a',
  0x9c: '\u0153',
  0x9e: '\u017e',
  0x9f: '\u0178',
  0x81: '\u0081',
  0x8d: '\u008d',
  0x8f: '\u008f',
  0x90: '\u0090',
  0x9d: '\u009d',
};

function isInvalidCodePoint(cp: number): boolean {
  return (
    (cp >= 0x1 && cp <= 0x8) ||
    cp === 0xb ||
    (cp >= 0xe && cp <= 0x1f) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0xfdd0 && cp <= 0xfdef) ||
    (cp & 0xfffe) === 0xfffe
  );
}

function numeric(body: string): string {
  const hex = body[1] === 'x' || body[1] === 'X';
  const digits = body.slice(hex ? 2 : 1).replace(/;$/, '');
  const cp = parseInt(digits, hex ? 16 : 10);
  if (cp === 0x0d) return '\r';
  if (cp in CP1252) return CP1252[cp];
  if (cp === 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || !Number.isFinite(cp)) return '\ufffd';
  if (isInvalidCodePoint(cp)) return '';
  return String.fromCodePoint(cp);
}

function named(body: string): string {
  if (body.endsWith(';')) {
    const name = body.slice(0, -1);
    const hit = LEGACY[name] ?? SEMI_ONLY[name];
    if (hit !== undefined) return hit;
  } else if (LEGACY[body] !== undefined) {
    return LEGACY[body];
  }
  // longest legacy name that is a prefix of the reference
  for (let i = Math.min(body.length - 1, 6); i > 1; i--) {
    const prefix = body.slice(0, i);
    const hit = LEGACY[prefix];
    if (hit !== undefined) return hit + body.slice(i);
  }
  return `&${body}`;
}

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

/** Decodes HTML character references like Python's `html.unescape`. */
export function htmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(CHARREF, (_m, body: string) => (body.startsWith('#') ? numeric(body) : named(body)));
}
