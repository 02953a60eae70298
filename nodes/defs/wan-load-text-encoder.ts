/** Load Text Encoder: umT5-XXL weights plus its tokenizer as a TEXT_ENCODER. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineNode } from '../sdk';
import { inspectCheckpoint } from '../runtime/wan/layout/inspect';
import { Umt5Tokenizer } from '../runtime/tokenizer/umt5';
import type { TextEncoderHandle } from '../runtime/wan/pipeline/handles';
import { modelKey, runtimeFromSettings } from '../runtime/wan/pipeline/models';

export const wanLoadTextEncoder = defineNode({
  id: 'wan.load_text_encoder',
  version: 1,
  category: 'Wan/Loaders',
  title: 'Load Text Encoder',
  description:
    'The umT5-XXL text encoder of Wan (text_encoders/, Wan or Hugging Face/ComfyUI key names, F32/F16/BF16) and its tokenizer (a tokenizer.json, or the google/umt5-xxl folder holding one).',
  inputs: {
    text_encoder: {
      type: 'FILE',
      kind: 'model',
      folder: 'text_encoders',
      extensions: ['.safetensors', '.pth', '.pt'],
      default: '',
      description:
        'The umT5 encoder weights: .safetensors, or a PyTorch .pth such as the official models_t5_umt5-xxl-enc-bf16.pth.',
    },
    tokenizer: {
      type: 'FILE',
      kind: 'any',
      folder: 'tokenizers',
      default: 'umt5-xxl',
      description:
        'A tokenizer.json, or a folder containing one (e.g. google/umt5-xxl from the official checkpoints).',
    },
  },
  outputs: {
    text_encoder: { type: 'TEXT_ENCODER' },
  },
  async execute({ text_encoder, tokenizer }, ctx) {
    if (!text_encoder) throw new Error('Load Text Encoder: no text encoder file is selected.');
    if (!tokenizer) throw new Error('Load Text Encoder: no tokenizer is selected.');
    ctx.throwIfAborted();
    // Fail now, with the file named, rather than at the first prompt.
    const ck = await inspectCheckpoint(text_encoder, { expectKind: 't5' });
    await ck.close();
    const tok = await Umt5Tokenizer.fromFile(tokenizer);
    const tokFile = (await stat(tokenizer)).isDirectory() ? join(tokenizer, 'tokenizer.json') : tokenizer;
    const runtime = runtimeFromSettings(ctx.settings);
    const handle: TextEncoderHandle = {
      kind: 'wan-text-encoder',
      weights: ck.file.path,
      tokenizer,
      key: `${modelKey('wan-umt5', ck.file.path, runtime)}|tokenizer=${modelKey('tok', tokFile, runtime)}`,
      runtime,
    };
    ctx.log.info(`${handle.weights}: umT5 encoder; tokenizer ${tok.source} (${tok.vocabSize} tokens)`);
    return { text_encoder: handle };
  },
});
