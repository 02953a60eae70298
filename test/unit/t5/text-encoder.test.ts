import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadUmt5 } from '../../../nodes/runtime/wan/t5/encoder';
import type { Umt5Encoder } from '../../../nodes/runtime/wan/t5/encoder';
import { encodePrompts } from '../../../nodes/runtime/wan/t5/text-encoder';
import { Umt5Tokenizer } from '../../../nodes/runtime/tokenizer/umt5';
import { writeTinyUmt5Tokenizer } from '../tokenizer/fixture';
import { GOLDEN_DIR } from '../../helpers/paths';

const weights = join(GOLDEN_DIR, 'pipe_t2v_moe', 't5', 'weights.safetensors');
const skip = existsSync(weights) ? false : `no golden weights at ${weights}`;
const cacheDir = mkdtempSync(join(tmpdir(), 't5-text-'));
let t5: Umt5Encoder;
let tok: Umt5Tokenizer;

before(async () => {
  if (skip) return;
  t5 = await loadUmt5(weights, { cacheDir });
  tok = await Umt5Tokenizer.fromFile(writeTinyUmt5Tokenizer().dir);
});
after(async () => {
  await t5?.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('encodePrompts (text -> DiT context)', { skip }, () => {
  test('one context per prompt, trimmed to its tokens plus </s>', async () => {
    const { contexts, tokens } = await encodePrompts(t5, tok, ['the cat sat', 'a red car on the mat']);
    assert.equal(tokens.length, t5.config.textLen);
    assert.deepEqual(
      contexts.map((c) => c.dims),
      [
        [4, t5.config.dim],
        [7, t5.config.dim],
      ],
    );
    // the trimmed rows are the full encoder output's first rows (computed without the padding columns)
    const full = await t5.encode(tokens.ids, tokens.mask, [tokens.batch, tokens.length]);
    const rows = full.data.slice(t5.config.textLen * t5.config.dim, (t5.config.textLen + 7) * t5.config.dim);
    assert.equal(contexts[1].data.length, rows.length);
    let worst = 0;
    rows.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - contexts[1].data[i]))));
    assert.ok(worst < 1e-5, `max difference ${worst}`);
  });

  test('prompts that clean to the same text give the same context; different text does not', async () => {
    const { contexts } = await encodePrompts(t5, tok, [
      '  the\tcat &amp;amp; sat ',
      'the cat & sat',
      'the dog & sat',
    ]);
    assert.deepEqual(contexts[0], contexts[1]);
    assert.notDeepEqual(contexts[1].data, contexts[2].data);
  });

  test('a tokenizer larger than the model vocabulary is refused', async () => {
    const big = { vocabSize: 300000, source: '/x/tokenizer.json' } as unknown as Umt5Tokenizer;
    await assert.rejects(encodePrompts(t5, big, ['x']), /300000 tokens .* only 64/);
  });
});
