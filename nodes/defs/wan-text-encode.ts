/** Text Encode: a prompt and a negative prompt through umT5 → CONDITIONING (both DiT contexts). */
import { defineNode } from '../sdk';
import { expectHandle, type WanConditioning } from '../runtime/wan/pipeline/handles';
import { acquireTextEncoder } from '../runtime/wan/pipeline/models';
import { encodePrompts } from '../runtime/wan/t5/text-encoder';
import { DEFAULT_NEGATIVE_PROMPT, effectiveNegativePrompt } from '../runtime/wan/t5/prompts';

export const wanTextEncode = defineNode({
  id: 'wan.text_encode',
  version: 1,
  category: 'Wan/Conditioning',
  title: 'Text Encode',
  description:
    'Encodes the prompt and the negative prompt with umT5. An empty negative prompt uses the official default one (as the Wan pipelines do).',
  inputs: {
    text_encoder: { type: 'TEXT_ENCODER' },
    prompt: { type: 'STRING', multiline: true, default: '', description: 'What the video shows.' },
    negative: {
      type: 'STRING',
      multiline: true,
      default: DEFAULT_NEGATIVE_PROMPT,
      description: 'What to steer away from (classifier-free guidance). Empty = the official default.',
    },
  },
  outputs: {
    conditioning: { type: 'CONDITIONING' },
  },
  async execute({ text_encoder, prompt, negative }, ctx) {
    const te = expectHandle('TEXT_ENCODER', text_encoder, 'Text Encode', 'text_encoder');
    ctx.throwIfAborted();
    ctx.progress({ step: 0, total: 1, message: 'loading text encoder' });
    const { encoder, tokenizer } = await acquireTextEncoder(ctx.models, te, (m) => ctx.log.warn(m));
    ctx.throwIfAborted();
    const neg = effectiveNegativePrompt(negative);
    const { contexts, tokens } = await encodePrompts(encoder, tokenizer, [prompt, neg]);
    tokens.truncated.forEach((cut, i) => {
      if (cut) {
        ctx.log.warn(
          `the ${i === 0 ? 'prompt' : 'negative prompt'} is longer than ${encoder.config.textLen} tokens and was cut.`,
        );
      }
    });
    ctx.progress({ step: 1, total: 1, message: 'prompt encoded' });
    const conditioning: WanConditioning = {
      kind: 'wan-conditioning',
      cond: contexts[0],
      uncond: contexts[1],
      prompt,
      negative: neg,
    };
    return { conditioning };
  },
});
