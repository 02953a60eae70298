/**
 * Prompt text -> DiT context: Wan's `T5EncoderModel.__call__` (tokenize with cleaning, padding to
 * text_len and `</s>`, encode, trim each prompt to its real length).
 */
import type { Tensor } from '../../../sdk';
import type { TokenizedBatch, Umt5Tokenizer } from '../../tokenizer/umt5';
import type { Umt5Encoder } from './encoder';

export interface EncodedPrompts {
  /** One `[len_i, dim]` context per prompt (`</s>` included), what the DiT receives. */
  contexts: Tensor[];
  tokens: TokenizedBatch;
}

/** Tokenizes `prompts` to the encoder's `text_len` and encodes them. */
export async function encodePrompts(
  encoder: Umt5Encoder,
  tokenizer: Umt5Tokenizer,
  prompts: string[],
): Promise<EncodedPrompts> {
  if (tokenizer.vocabSize > encoder.config.vocabSize) {
    throw new Error(
      `The tokenizer ${tokenizer.source} has ${tokenizer.vocabSize} tokens but the text encoder ${encoder.weightsPath} only ${encoder.config.vocabSize}: they do not belong together.`,
    );
  }
  const tokens = tokenizer.encode(prompts, { maxLength: encoder.config.textLen });
  const contexts = await encoder.encodeTrimmed(tokens.ids, tokens.mask, [tokens.batch, tokens.length]);
  return { contexts, tokens };
}
