/** The engine's public surface (Node-only: uses fs and crypto). */
export { Engine, DEFAULT_CACHE_BYTES, DEFAULT_DISK_CACHE_BYTES } from './engine';
export type { EngineOptions, RunOptions } from './engine';
export { NodeRegistry } from './registry';
export { buildCatalog, catalogEntry } from './catalog';
export type { NodeCatalog, NodeCatalogEntry } from './catalog';
export { validateWorkflow, analyzeWorkflow } from './validate';
export type { ValidateOptions } from './validate';
export { planRun } from './plan';
export type { Plan } from './plan';
export { CancelledError, NodeExecutionError, MissingFileError } from './errors';
export type { EngineEvent, EngineEventType } from './events';
export type { RunResult, RunError, RunOutput, NodeRunStatus } from './run-result';
export { EngineModelPool } from './model-pool';
export { DiskCache, DEFAULT_DISK_CACHE_DIR } from './disk-cache';
export { ResultCache } from './result-cache';
export { sizeOfValue } from './size-of-value';
export { encodeValue, decodeValue, CodecError } from './value-codec';
