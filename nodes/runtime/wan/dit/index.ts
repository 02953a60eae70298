export { loadWanDit } from './model';
export type { LoadWanDitOptions, WanDit, DitInput } from './model';
export { ropeTables, ropeSplit, timestepSinusoid, uniqueTimesteps } from './tables';
export { buildStepGraph, buildTextGraph, DIT_GRAPH_VERSION } from './graph';
