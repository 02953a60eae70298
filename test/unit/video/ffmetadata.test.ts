import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseFfmetadata } from '../../../nodes/runtime/video/ffmetadata';

describe('parseFfmetadata', () => {
  test('reads global tags after the header', () => {
    const t = parseFfmetadata(';FFMETADATA1\nmajor_brand=isom\nencoder=Lavf58.24.100\n');
    assert.deepEqual({ ...t }, { major_brand: 'isom', encoder: 'Lavf58.24.100' });
  });

  test('undoes every escape: \\= \\; \\# \\\\ and escaped newlines', () => {
    const text = ';FFMETADATA1\nworkflow={"a":"x\\=y\\;z\\#w \\\\ q"\\\n,"b":2}\\\\\nnext=1\n';
    const t = parseFfmetadata(text);
    assert.equal(t.workflow, '{"a":"x=y;z#w \\ q"\n,"b":2}\\');
    assert.equal(t.next, '1');
  });

  test('only the first unescaped = splits key from value; escaped = in keys stays', () => {
    const t = parseFfmetadata(';FFMETADATA1\nk\\=ey=a=b\n');
    assert.equal(t['k=ey'], 'a=b');
  });

  test('a raw carriage return is data, not a line end', () => {
    const t = parseFfmetadata(';FFMETADATA1\nv=a\rb\\\r\\\nc\n');
    assert.equal(t.v, 'a\rb\r\nc');
  });

  test('skips comments and blank lines; stops at [STREAM] and [CHAPTER]', () => {
    const text =
      ';FFMETADATA1\n; a comment\n# another\n\ntitle=x\n[STREAM]\ntitle=stream\n[CHAPTER]\nTIMEBASE=1/1\n';
    assert.deepEqual({ ...parseFfmetadata(text) }, { title: 'x' });
  });

  test('an escaped ; or # at the start of a line is a key, not a comment', () => {
    const t = parseFfmetadata(';FFMETADATA1\n\\;semi=1\n\\#hash=2\n');
    assert.equal(t[';semi'], '1');
    assert.equal(t['#hash'], '2');
  });

  test('unicode passes through; a missing final newline is fine', () => {
    assert.equal(parseFfmetadata(';FFMETADATA1\nt=é 🎉 日本').t, 'é 🎉 日本');
  });

  test('keys such as __proto__ are plain entries', () => {
    const t = parseFfmetadata(';FFMETADATA1\n__proto__=x\n');
    assert.equal(t['__proto__'], 'x');
  });
});
