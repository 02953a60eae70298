/**
 * A JSON syntax checker that builds nothing: it says where a text stops being JSON (and whether
 * it simply ends too early) and enforces a nesting limit without recursion, so it is safe on
 * hostile input of any depth.
 */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(pos, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

export interface SyntaxFault {
  pos: number;
  message: string;
  truncated: boolean;
}

const enum State {
  Value,
  Key,
  After,
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function describeChar(text: string, pos: number): string {
  const c = text.charCodeAt(pos);
  if (c < 0x20 || c === 0x7f) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${text[pos]}'`;
}

function badWord(text: string, pos: number, truncatedOk: boolean): SyntaxFault {
  let end = pos;
  while (end < text.length && /[A-Za-z0-9_$]/.test(text[end]) && end - pos < 40) end++;
  const word = text.slice(pos, end);
  for (const lit of ['true', 'false', 'null']) {
    if (truncatedOk && end === text.length && word.length < lit.length && lit.startsWith(word)) {
      return { pos: text.length, message: 'the file ends in the middle of a value', truncated: true };
    }
  }
  if (/^-?(NaN|Infinity)$/.test(word) || word === 'Infinity') {
    return { pos, message: `${word} is not a valid JSON number`, truncated: false };
  }
  if (word === 'undefined')
    return { pos, message: 'undefined is not a JSON value (use null)', truncated: false };
  if (word.length > 0) return { pos, message: `unexpected word "${word}"`, truncated: false };
  if (text[pos] === "'")
    return { pos, message: 'strings must use double quotes, not single quotes', truncated: false };
  if (text[pos] === '/') return { pos, message: 'comments are not allowed in JSON', truncated: false };
  return { pos, message: `unexpected ${describeChar(text, pos)}`, truncated: false };
}

/** Returns the end of the string starting at `pos` (the opening quote), or a fault. */
function scanString(text: string, pos: number): number | SyntaxFault {
  const n = text.length;
  let i = pos + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      if (i + 1 >= n) break;
      const e = text.charCodeAt(i + 1);
      if (e === 117) {
        for (let k = 2; k <= 5; k++) {
          if (i + k >= n) return { pos: n, message: 'the file ends inside a string', truncated: true };
          if (!isHex(text.charCodeAt(i + k)))
            return { pos: i, message: 'invalid \\u escape in a string', truncated: false };
        }
        i += 6;
        continue;
      }
      if ('"\\/bfnrt'.includes(text[i + 1])) {
        i += 2;
        continue;
      }
      return { pos: i, message: `invalid escape "\\${text[i + 1]}" in a string`, truncated: false };
    }
    if (c < 0x20) {
      return {
        pos: i,
        message:
          c === 10
            ? 'a string is not closed before the end of the line'
            : `unescaped ${describeChar(text, i)} inside a string`,
        truncated: false,
      };
    }
    i++;
  }
  return { pos: n, message: 'the file ends inside a string', truncated: true };
}

function scanNumber(text: string, pos: number): number | SyntaxFault {
  const n = text.length;
  let i = pos;
  const end = (): SyntaxFault => ({
    pos: n,
    message: 'the file ends in the middle of a number',
    truncated: true,
  });
  const bad = (): SyntaxFault => ({
    pos,
    message: `invalid number "${text.slice(pos, Math.min(i + 1, pos + 30))}"`,
    truncated: false,
  });
  if (text.charCodeAt(i) === 45) {
    i++;
    if (i >= n) return end();
    if (text.slice(i, i + 8) === 'Infinity') return badWord(text, i, false);
  }
  if (text.charCodeAt(i) === 48) i++;
  else if (isDigit(text.charCodeAt(i))) while (i < n && isDigit(text.charCodeAt(i))) i++;
  else return bad();
  if (text.charCodeAt(i) === 46) {
    i++;
    if (i >= n) return end();
    if (!isDigit(text.charCodeAt(i))) return bad();
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 101 || e === 69) {
    i++;
    if (i >= n) return end();
    const s = text.charCodeAt(i);
    if (s === 43 || s === 45) i++;
    if (i >= n) return end();
    if (!isDigit(text.charCodeAt(i))) return bad();
    while (i < n && isDigit(text.charCodeAt(i))) i++;
  }
  if (i < n && isDigit(text.charCodeAt(i))) return bad(); // leading zero such as 012
  return i;
}

/** Checks JSON syntax and nesting depth without building anything; iterative, O(n). */
export function checkJsonSyntax(text: string, maxDepth: number): SyntaxFault | undefined {
  const n = text.length;
  const stack: number[] = []; // 1 = object, 2 = array
  let state = State.Value;
  let afterComma = false;
  let i = 0;
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n) {
      if (stack.length === 0 && state === State.After) return undefined;
      if (stack.length === 0 && state === State.Value)
        return { pos: n, message: 'the file is empty', truncated: false };
      return { pos: n, message: 'the file ends before the JSON is complete', truncated: true };
    }
    const c = text.charCodeAt(i);
    if (state === State.Value) {
      if (c === 123 || c === 91) {
        if (stack.length >= maxDepth) {
          return {
            pos: i,
            message: `objects and arrays are nested deeper than ${maxDepth} levels`,
            truncated: false,
          };
        }
        stack.push(c === 123 ? 1 : 2);
        i++;
        while (i < n && isWs(text.charCodeAt(i))) i++;
        const close = c === 123 ? 125 : 93;
        if (i < n && text.charCodeAt(i) === close) {
          stack.pop();
          i++;
          state = State.After;
        } else state = c === 123 ? State.Key : State.Value;
        afterComma = false;
        continue;
      }
      if (c === 93 && afterComma)
        return { pos: i, message: "a trailing comma before ']' is not allowed in JSON", truncated: false };
      let r: number | SyntaxFault;
      if (c === 34) r = scanString(text, i);
      else if (c === 45 || isDigit(c)) r = scanNumber(text, i);
      else if (c === 116 || c === 102 || c === 110) {
        const lit = c === 116 ? 'true' : c === 102 ? 'false' : 'null';
        r =
          text.startsWith(lit, i) && !/[A-Za-z0-9_$]/.test(text[i + lit.length] ?? ' ')
            ? i + lit.length
            : badWord(text, i, true);
      } else r = badWord(text, i, false);
      if (typeof r !== 'number') return r;
      i = r;
      state = State.After;
      afterComma = false;
      continue;
    }
    if (state === State.Key) {
      if (c === 125 && afterComma)
        return { pos: i, message: "a trailing comma before '}' is not allowed in JSON", truncated: false };
      if (c !== 34) {
        const f = badWord(text, i, false);
        return {
          pos: i,
          message: `expected a property name in double quotes, found ${f.message.replace(/^unexpected /, '')}`,
          truncated: false,
        };
      }
      const r = scanString(text, i);
      if (typeof r !== 'number') return r;
      i = r;
      while (i < n && isWs(text.charCodeAt(i))) i++;
      if (i >= n) return { pos: n, message: 'the file ends before the JSON is complete', truncated: true };
      if (text.charCodeAt(i) !== 58)
        return {
          pos: i,
          message: `expected ':' after a property name, found ${describeChar(text, i)}`,
          truncated: false,
        };
      i++;
      state = State.Value;
      afterComma = false;
      continue;
    }
    // State.After
    const top = stack[stack.length - 1];
    if (top === undefined)
      return {
        pos: i,
        message: `unexpected ${describeChar(text, i)} after the end of the JSON value`,
        truncated: false,
      };
    if (c === 44) {
      i++;
      state = top === 1 ? State.Key : State.Value;
      afterComma = true;
      continue;
    }
    if ((c === 125 && top === 1) || (c === 93 && top === 2)) {
      stack.pop();
      i++;
      continue;
    }
    const expected = top === 1 ? "',' or '}'" : "',' or ']'";
    return { pos: i, message: `expected ${expected}, found ${describeChar(text, i)}`, truncated: false };
  }
}
