export { loadUmt5 } from './encoder';
export type { LoadUmt5Options, Umt5Encoder, TokenRows } from './encoder';
export { encodePrompts } from './text-encoder';
export type { EncodedPrompts } from './text-encoder';
export { UMT5_XXL, Umt5ConfigError, parseUmt5Config } from './config';
export type { Umt5Config } from './config';
export { relativePositionBucket, relativePositionBuckets, umt5EncoderBuckets } from './buckets';
export { DEFAULT_NEGATIVE_PROMPT, effectiveNegativePrompt } from './prompts';
