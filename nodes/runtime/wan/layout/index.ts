export { inspectCheckpoint, openSet } from './inspect';
export { findWrapperPrefix } from './wrapper';
export type {
  CheckpointInfo,
  DitCheckpoint,
  VaeCheckpoint,
  T5Checkpoint,
  InspectOptions,
  LocatedTensor,
} from './inspect';
export {
  detectDitLayout,
  diffusersToOfficial,
  officialDitKeys,
  isOfficialDitKey,
  isDitKeySet,
  COMFY_PREFIX,
} from './dit-keys';
export type { DitLayout, DitKeyMapping } from './dit-keys';
export {
  inferDitConfig,
  parseDitConfigJson,
  checkDitShapes,
  expectedDitShapes,
  WAN_DEFAULT_TEXT_LEN,
} from './dit-config';
export type { WanDitConfig, WanModelType, OfficialShapes } from './dit-config';
export { inferVaeConfig } from './vae';
export type { WanVaeConfig, WanVaeVersion } from './vae';
export { detectT5Layout, inferT5Config, t5HfToOfficial } from './t5';
export type { WanT5Config, T5Layout } from './t5';
