export { GraphBuilder, attr, BUILDER_VERSION } from './builder';
export type {
  Dim,
  Attrs,
  AttrValue,
  TypedAttr,
  WeightSource,
  WeightOptions,
  OpOptions,
  BuilderOptions,
} from './builder';
export { DataType, decodeModel } from './proto';
export type { DType } from './proto';
export { cachedModel } from './cache';
export type { CachedModel, CachedModelOptions } from './cache';
export {
  createSession,
  acquireSession,
  sessionKey,
  availableProviders,
  SimpleModelPool,
  ort,
} from './session';
export type { Session, SessionOptions, ExecutionProvider } from './session';
