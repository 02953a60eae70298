import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Umt5Tokenizer, TokenizerError } from '../../../nodes/runtime/tokenizer/umt5';
import { writeTinyUmt5Tokenizer } from './fixture';

let tok: Umt5Tokenizer;
let dir: string;
before(async () => {
  dir = writeTinyUmt5Tokenizer().dir;
  tok = await Umt5Tokenizer.fromFile(dir);
});

const row = (a: BigInt64Array, b: number, len: number) => Array.from(a.slice(b * len, (b + 1) * len), Number);

describe('Umt5Tokenizer', () => {
  test('special ids follow umT5: pad 0, eos 1, unk 2', () => {
    assert.equal(tok.padId, 0);
    assert.equal(tok.eosId, 1);
    assert.equal(tok.unkId, 2);
  });

  test('appends </s>, pads to max length with 0 and masks the padding', () => {
    const e = tok.encode('the cat sat', { maxLength: 8 });
    const the = tok.ids('the', false)[0];
    assert.deepEqual(row(e.ids, 0, 8).slice(0, 4), [the, tok.ids('cat')[0], tok.ids('sat')[0], 1]);
    assert.deepEqual(row(e.ids, 0, 8).slice(4), [0, 0, 0, 0]);
    assert.deepEqual(row(e.mask, 0, 8), [1, 1, 1, 1, 0, 0, 0, 0]);
    assert.deepEqual(e.lengths, [4]);
    assert.deepEqual(e.truncated, [false]);
  });

  test('truncates long prompts to max length and keeps </s> last', () => {
    const e = tok.encode(['the cat sat on the mat the red car', 'a dog'], { maxLength: 5 });
    assert.equal(e.batch, 2);
    assert.deepEqual(row(e.ids, 0, 5), [...tok.ids('the cat sat on', false).slice(0, 4), 1]);
    assert.deepEqual(row(e.mask, 0, 5), [1, 1, 1, 1, 1]);
    assert.deepEqual(e.truncated, [true, false]);
    assert.deepEqual(e.lengths, [5, 3]);
    assert.deepEqual(row(e.mask, 1, 5), [1, 1, 1, 0, 0]);
  });

  test('a prompt that fills max length exactly is not truncated', () => {
    const e = tok.encode('the cat sat on', { maxLength: 5 });
    assert.deepEqual(e.truncated, [false]);
    assert.equal(Number(e.ids[4]), 1);
  });

  test('cleans prompts before tokenizing (whitespace, HTML entities, curly quotes)', () => {
    const messy = tok.encode('  the\n\tcat &amp;amp;  \u201cred\u201d ', { maxLength: 16 });
    const tidy = tok.encode('the cat & "red"', { maxLength: 16, clean: false });
    assert.deepEqual(messy.ids, tidy.ids);
    const raw = tok.encode('the cat &amp;', { maxLength: 16, clean: false });
    assert.notDeepEqual(raw.ids, tok.encode('the cat &amp;', { maxLength: 16 }).ids);
  });

  test('unknown characters become <unk>; empty prompt is just </s>', () => {
    const e = tok.encode('你', { maxLength: 4 });
    assert.ok(row(e.ids, 0, 4).includes(2));
    assert.deepEqual(row(tok.encode('', { maxLength: 3 }).ids, 0, 3), [1, 0, 0]);
  });

  test('rejects a max length that leaves no room for text', () => {
    assert.throws(() => tok.encode('the', { maxLength: 1 }), /maximum length/);
  });
});

describe('Umt5Tokenizer.fromFile errors name the file', () => {
  test('missing tokenizer.json', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'umt5-missing-'));
    await assert.rejects(Umt5Tokenizer.fromFile(empty), (e: unknown) => {
      assert.ok(e instanceof TokenizerError);
      assert.match(e.message, /tokenizer\.json/);
      assert.match(e.message, /does not exist/);
      assert.equal(e.file, join(empty, 'tokenizer.json'));
      return true;
    });
  });
  test('truncated JSON', async () => {
    const d = mkdtempSync(join(tmpdir(), 'umt5-bad-'));
    const f = join(d, 'tokenizer.json');
    writeFileSync(f, '{"model": {"type": "Unigr');
    await assert.rejects(
      Umt5Tokenizer.fromFile(f),
      (e: unknown) =>
        e instanceof TokenizerError && e.message.includes(f) && /not valid JSON/.test(e.message),
    );
  });
  test('JSON that is not a tokenizer', async () => {
    const d = mkdtempSync(join(tmpdir(), 'umt5-notok-'));
    const f = join(d, 'tokenizer.json');
    writeFileSync(f, '{"hello": 1}');
    await assert.rejects(
      Umt5Tokenizer.fromFile(f),
      (e: unknown) =>
        e instanceof TokenizerError && e.message.includes(f) && /no "model" section/.test(e.message),
    );
  });
  test('a model section the library rejects', async () => {
    const d = mkdtempSync(join(tmpdir(), 'umt5-badmodel-'));
    const f = join(d, 'tokenizer.json');
    writeFileSync(f, JSON.stringify({ model: { type: 'NoSuchModel' } }));
    await assert.rejects(
      Umt5Tokenizer.fromFile(f),
      (e: unknown) => e instanceof TokenizerError && e.message.includes(f),
    );
  });
});
