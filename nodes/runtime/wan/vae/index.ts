export { loadWanVae } from './vae';
export type { WanVae, LoadVaeOptions, VaeRunOptions, VaeDecodeOptions } from './vae';
export {
  parseVaeConfig,
  defaultConfig,
  validateVaeConfig,
  vaeStride,
  timeStride,
  spaceStride,
  versionFromConfigJson,
} from './config';
export type { VaeConfig, VaeVersion } from './config';
export { inferVaeConfig, detectVaeVersion, findKeyPrefix } from './infer-config';
export { officialLatentStats } from './stats';
export { normalizeLatent, denormalizeLatent, clampInPlace } from './latent-norm';
export { patchify, unpatchify } from './patchify';
export { encodeChunks, usedEncodeFrames, latentFramesFor, videoFramesFor, decodeChunkFrames } from './chunks';
export { VaeError } from './errors';
export { expectedVaeTensors } from './graph/expected';
