/**
 * Builds a tiny but valid umT5-style `tokenizer.json`: a Unigram model with the umT5 special ids
 * (<pad> 0, </s> 1, <unk> 2), a whitespace-split + Metaspace pre-tokenizer, a TemplateProcessing
 * post-processor that appends `</s>`, and a Metaspace decoder, as in google/umt5-xxl.
 * 49 pieces, so its ids also fit the 64-token vocabulary of the tiny golden T5 models.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORDS = ['the', 'cat', 'dog', 'sat', 'on', 'mat', 'a', 'red', 'car'];
const CHARS = 'abcdefghijklmnopqrstuvwxyz,."\'<>&;!?'.split('');

export function tinyUmt5TokenizerJson(): Record<string, unknown> {
  const vocab: [string, number][] = [
    ['<pad>', 0],
    ['</s>', 0],
    ['<unk>', 0],
    ['\u2581', -2],
  ];
  for (const w of WORDS) vocab.push([`\u2581${w}`, -3 - w.length * 0.1]);
  for (const c of CHARS) vocab.push([c, -8]);
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<pad>'), special(1, '</s>'), special(2, '<unk>')],
    // as SpmConverter writes it: the SentencePiece charsmap (tokenizers.js applies NFKC for it), then ' {2,}' -> ' '
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Precompiled', precompiled_charsmap: 'AAAAAA==' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'WhitespaceSplit' },
        { type: 'Metaspace', replacement: '\u2581', add_prefix_space: true, prepend_scheme: 'always' },
      ],
    },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: { type: 'Metaspace', replacement: '\u2581', add_prefix_space: true, prepend_scheme: 'always' },
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

/** Writes the tiny tokenizer (and its tokenizer_config.json) into a fresh temp folder. */
export function writeTinyUmt5Tokenizer(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'umt5-tok-'));
  const file = join(dir, 'tokenizer.json');
  writeFileSync(file, JSON.stringify(tinyUmt5TokenizerJson()));
  writeFileSync(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      eos_token: '</s>',
      pad_token: '<pad>',
      unk_token: '<unk>',
      model_max_length: 1000000000,
    }),
  );
  return { dir, file };
}
