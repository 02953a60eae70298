import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPrompt, basicClean, whitespaceClean } from '../../../nodes/runtime/tokenizer/clean';
import { htmlUnescape } from '../../../nodes/runtime/tokenizer/html';

describe('htmlUnescape (Python html.unescape rules)', () => {
  test('named, decimal and hex references', () => {
    assert.equal(
      htmlUnescape('a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#x27; &#X41;'),
      'a & b <c> "d" \'e\' A',
    );
  });
  test('legacy names without semicolon, longest prefix', () => {
    assert.equal(htmlUnescape('&amp &copy2024 &ampx'), '& \u00a92024 &x');
  });
  test('numeric edge cases: cp1252 remap, zero, surrogates, out of range, invalid code points', () => {
    assert.equal(htmlUnescape('&#128;&#0;&#xD800;&#x110000;&#1;x'), '\u20ac\ufffd\ufffd\ufffdx');
  });
  test('unknown names and lone ampersands stay', () => {
    assert.equal(htmlUnescape('R&D &nosuchentity; &'), 'R&D &nosuchentity; &');
  });
});

describe('cleanPrompt (Wan clean="whitespace")', () => {
  test('collapses every whitespace run to one space and strips', () => {
    assert.equal(cleanPrompt('  a\tcat\n\n on\u3000the\u00a0 mat  '), 'a cat on the mat');
  });
  test('unescapes HTML twice (double-escaped entities)', () => {
    assert.equal(basicClean('Tom &amp;amp; Jerry'), 'Tom & Jerry');
    // with a '<' in the text, ftfy leaves entities alone, and html.unescape runs exactly twice
    assert.equal(cleanPrompt('<b> &amp;amp;amp;lt;'), '<b> &amp;lt;');
  });
  test('ftfy character fixes: curly quotes, ligatures, full-width forms, control characters', () => {
    assert.equal(cleanPrompt('\u201cﬁne\u201d \u2018day\u2019'), '"fine" \'day\'');
    assert.equal(cleanPrompt('ＡＢＣ１２３，'), 'ABC123,');
    assert.equal(cleanPrompt('a\u0000b\ufeffc\u001b[31md'), 'abcd');
  });
  test('NFC normalisation', () => {
    assert.equal(cleanPrompt('cafe\u0301'), 'caf\u00e9');
  });
  test('Chinese text keeps its characters; full-width comma becomes ASCII', () => {
    assert.equal(cleanPrompt('色调艳丽，过曝'), '色调艳丽,过曝');
  });
  test('whitespaceClean alone does not touch entities', () => {
    assert.equal(whitespaceClean(' &amp;  x '), '&amp; x');
  });
});
