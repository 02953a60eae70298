// Contract between the verify framework and the per-kind runners (nodes/runtime/verify/runners/<kind>.ts).

import type { SafetensorsFile } from '../safetensors/reader';
import type { CaseManifest } from './manifest';

export type { CaseManifest, Tolerance } from './manifest';

export interface CaseContext {
  /** absolute path of the case folder */
  dir: string;
  manifest: CaseManifest;
  /** the case's io.safetensors (inputs and expected outputs) */
  io: SafetensorsFile;
  /** config.json of the case folder, if present */
  config?: unknown;
}

/** Float64Array is accepted too (e.g. `sigmas_f64`, compared at float64 precision). */
export type ActualTensor = Float32Array | BigInt64Array | Int32Array | Float64Array;

/** Computes every output it can (keys exactly as in io.safetensors); the framework compares. */
export type CaseRunner = (ctx: CaseContext) => Promise<Map<string, ActualTensor>>;

/** Manifest kinds with a runner module. */
export const CASE_KINDS = ['dit', 'vae', 't5', 'scheduler', 'pipeline'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
