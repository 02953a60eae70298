export type {
  RuntimeOptions,
  WanModelHandle,
  WanExpertsHandle,
  TextEncoderHandle,
  VaeHandle,
  WanConditioning,
  ScheduleHandle,
} from './handles';
export { denoise, DenoiseError } from './denoise';
export type { DenoiseInput, DenoiseModel, ModelSlot, Guidance, StepRecord, ExpertName } from './denoise';
export {
  i2vMask,
  firstFrameVideo,
  concatChannels,
  firstFrameMask,
  expandMask,
  perTokenTimesteps,
  blendFirstFrame,
} from './conditioning';
export { i2vConditioning, firstFrameConditioning } from './image-conditioning';
export type { I2vConditioning, FirstFrameConditioning } from './image-conditioning';
export { imagesToVideo, videoToImages, resizeCoverRgb, imageForVideo, u8ToSigned } from './image-prep';
export { latentPreview, projectionWeights } from './preview';
export { checkFrames, checkSize, latentFrames, latentShape, ShapeError, DIT_SPATIAL_PATCH } from './shapes';
export {
  runtimeFromSettings,
  graphCacheDir,
  modelKey,
  acquireDit,
  ditSlot,
  acquireTextEncoder,
  acquireVaeFile,
  acquireVae,
} from './models';
export type { LoadedTextEncoder } from './models';
