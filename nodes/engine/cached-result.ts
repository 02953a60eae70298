/** What the result caches hold for one node: its outputs and the files it reported. */
import { existsSync } from 'node:fs';
import type { Artifact } from '../sdk/values';

export interface CachedResult {
  outputs: Record<string, unknown>;
  artifacts: Artifact[];
}

/** Whether a value read back from the disk cache has the CachedResult shape. */
export function isCachedResult(v: unknown): v is CachedResult {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    r.outputs !== null &&
    typeof r.outputs === 'object' &&
    !Array.isArray(r.outputs) &&
    Array.isArray(r.artifacts) &&
    r.artifacts.every((a) => a !== null && typeof a === 'object' && typeof (a as Artifact).path === 'string')
  );
}

/** A cached output node is reusable only while every file it wrote is still there. */
export function artifactsExist(r: CachedResult): boolean {
  for (const a of r.artifacts) {
    if (!existsSync(a.path)) return false;
    for (const f of a.files ?? []) if (!existsSync(f)) return false;
  }
  return true;
}
