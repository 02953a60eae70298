/**
 * The umT5 tokenizer of the Wan text encoder, read offline from a Hugging Face `tokenizer.json`
 * (the `google/umt5-xxl/` folder shipped with the official checkpoints) with
 * `@huggingface/tokenizers`, plus what Wan's `HuggingfaceTokenizer` adds around it: prompt
 * cleaning, `</s>` appended by the post-processor, truncation to `maxLength` (the `</s>` is kept),
 * padding to `maxLength` with the pad id, and the attention mask.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { readErrorReason } from '../fs-errors';
import { cleanPrompt } from './clean';

export class TokenizerError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'TokenizerError';
    this.file = file;
  }
}

/** Token ids of a batch of prompts, padded to one length, row-major `[batch, length]`. */
export interface TokenizedBatch {
  batch: number;
  length: number;
  ids: BigInt64Array;
  /** 1 for real tokens (the `</s>` included), 0 for padding. */
  mask: BigInt64Array;
  /** Real tokens per prompt (= mask row sums), `</s>` included. */
  lengths: number[];
  /** Whether each prompt was cut to fit `maxLength`. */
  truncated: boolean[];
}

export interface EncodeOptions {
  /** Pad/truncate every prompt to this many tokens (Wan: the model's `text_len`, 512). */
  maxLength: number;
  /** Apply Wan's prompt cleaning first (default true). */
  clean?: boolean;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new TokenizerError(file, `Cannot read the ${what} ${file}: ${readErrorReason(e)}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new TokenizerError(
      file,
      `The ${what} ${file} is not valid JSON (${(e as Error).message}); the file is probably truncated or corrupt.`,
    );
  }
}

export class Umt5Tokenizer {
  /** Where the tokenizer was read from (for messages). */
  readonly source: string;
  readonly padId: number;
  readonly eosId: number | undefined;
  readonly unkId: number | undefined;
  readonly vocabSize: number;
  private readonly tok: Tokenizer;
  /** special tokens the post-processor puts before / after a single sequence */
  private readonly prefix: number[];
  private readonly suffix: number[];

  private constructor(tok: Tokenizer, source: string, padToken: string | undefined) {
    this.tok = tok;
    this.source = source;
    this.vocabSize = tok.get_vocab(true).size;
    const pad = padToken ?? '<pad>';
    const padId = tok.token_to_id(pad);
    if (padId === undefined)
      throw new TokenizerError(source, `The tokenizer ${source} has no padding token "${pad}".`);
    this.padId = padId;
    this.eosId = tok.token_to_id('</s>');
    this.unkId = tok.token_to_id('<unk>');
    // find out what the post-processor adds around one sequence, by encoding a probe
    const probe = 'a';
    const plain = tok.encode(probe, { add_special_tokens: false }).ids;
    const full = tok.encode(probe, { add_special_tokens: true }).ids;
    const at = indexOfRun(full, plain);
    if (at < 0)
      throw new TokenizerError(
        source,
        `The tokenizer ${source} has a post-processor this app does not understand.`,
      );
    this.prefix = full.slice(0, at);
    this.suffix = full.slice(at + plain.length);
  }

  /**
   * Builds a tokenizer from parsed `tokenizer.json` (and optional `tokenizer_config.json`) content.
   * `source` names the file in error messages.
   */
  static fromJson(json: unknown, config: unknown = {}, source = 'tokenizer.json'): Umt5Tokenizer {
    if (!isObject(json) || !isObject(json.model)) {
      throw new TokenizerError(
        source,
        `${source} is not a Hugging Face tokenizer.json (it has no "model" section).`,
      );
    }
    const cfg = isObject(config) ? config : {};
    let tok: Tokenizer;
    try {
      const full: Json = {
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
        added_tokens: [],
        ...json,
      };
      tok = new Tokenizer(full, cfg);
    } catch (e) {
      throw new TokenizerError(
        source,
        `The tokenizer ${source} could not be loaded: ${(e as Error).message}.`,
      );
    }
    const padSection = isObject(json.padding) ? json.padding : undefined;
    const padToken =
      typeof padSection?.pad_token === 'string'
        ? padSection.pad_token
        : typeof cfg.pad_token === 'string'
          ? cfg.pad_token
          : isObject(cfg.pad_token) && typeof cfg.pad_token.content === 'string'
            ? cfg.pad_token.content
            : undefined;
    return new Umt5Tokenizer(tok, source, padToken);
  }

  /**
   * Reads `tokenizer.json` (a path to the file, or to the folder holding it, e.g. `google/umt5-xxl`)
   * and `tokenizer_config.json` beside it when present.
   */
  static async fromFile(path: string): Promise<Umt5Tokenizer> {
    let file = resolve(path);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'tokenizer.json');
    } catch {
      // reported below as a missing tokenizer.json
    }
    const json = await readJson(file, 'tokenizer file');
    const cfgFile = join(dirname(file), 'tokenizer_config.json');
    let config: unknown = {};
    try {
      await stat(cfgFile);
      config = await readJson(cfgFile, 'tokenizer config');
    } catch (e) {
      if (e instanceof TokenizerError) throw e;
    }
    return Umt5Tokenizer.fromJson(json, config, file);
  }

  /** The token pieces of one prompt (after cleaning), without special tokens: for display/debug. */
  tokenize(text: string, clean = true): string[] {
    return this.tok.tokenize(clean ? cleanPrompt(text) : text);
  }

  /** Token ids of one prompt with the special tokens, not padded or truncated. */
  ids(text: string, clean = true): number[] {
    return this.tok.encode(clean ? cleanPrompt(text) : text, { add_special_tokens: true }).ids;
  }

  /**
   * Tokenizes prompts the way Wan's text encoder does (`padding='max_length'`, `truncation=True`,
   * `add_special_tokens=True`): special tokens are kept when a prompt is cut.
   */
  encode(texts: string | string[], opts: EncodeOptions): TokenizedBatch {
    const list = typeof texts === 'string' ? [texts] : texts;
    const maxLength = opts.maxLength;
    const special = this.prefix.length + this.suffix.length;
    if (!Number.isInteger(maxLength) || maxLength <= special) {
      throw new RangeError(
        `The tokenizer maximum length must be an integer above ${special}, got ${maxLength}.`,
      );
    }
    const batch = list.length;
    const ids = new BigInt64Array(batch * maxLength).fill(BigInt(this.padId));
    const mask = new BigInt64Array(batch * maxLength);
    const lengths: number[] = [];
    const truncated: boolean[] = [];
    list.forEach((text, b) => {
      const body = this.tok.encode(opts.clean === false ? text : cleanPrompt(text), {
        add_special_tokens: false,
      }).ids;
      const room = maxLength - special;
      const kept = body.length > room ? body.slice(0, room) : body;
      const row = [...this.prefix, ...kept, ...this.suffix];
      row.forEach((id, i) => {
        ids[b * maxLength + i] = BigInt(id);
        mask[b * maxLength + i] = 1n;
      });
      lengths.push(row.length);
      truncated.push(body.length > room);
    });
    return { batch, length: maxLength, ids, mask, lengths, truncated };
  }
}

function indexOfRun(hay: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
