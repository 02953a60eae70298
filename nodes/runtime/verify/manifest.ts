// manifest.json of a golden case (see shared/golden/README.md): what was computed and how close a
// reimplementation must come. Unknown fields are kept.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const ToleranceSchema = z.object({
  max_abs: z.number().nonnegative(),
  max_rel: z.number().nonnegative(),
});
export type Tolerance = z.infer<typeof ToleranceSchema>;

export const CaseManifestSchema = z.looseObject({
  case: z.string().min(1),
  kind: z.string().min(1),
  tolerance: ToleranceSchema,
  tolerance_per_output: z.record(z.string(), ToleranceSchema).optional(),
  /** tensor name → description */
  inputs: z.record(z.string(), z.unknown()),
  /** tensor name → description */
  outputs: z.record(z.string(), z.unknown()),
  // Informational fields: their shape varies between cases (the pipeline cases give a seed per part).
  seed: z.unknown().optional(),
  source: z.unknown().optional(),
  call: z.unknown().optional(),
  notes: z.unknown().optional(),
  params: z.unknown().optional(),
});
export type CaseManifest = z.infer<typeof CaseManifestSchema>;

export class ManifestError extends Error {
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'ManifestError';
    this.file = file;
  }
}

/** Validates a parsed manifest; throws a ManifestError listing the problems. */
export function parseManifest(file: string, raw: unknown): CaseManifest {
  const r = CaseManifestSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    );
    throw new ManifestError(file, `${file}: invalid case manifest: ${problems.slice(0, 5).join('; ')}.`);
  }
  return r.data;
}

export async function readManifest(file: string): Promise<CaseManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ManifestError(file, `${file}: cannot read case manifest: ${(e as Error).message}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(file, `${file}: case manifest is not valid JSON (${(e as Error).message}).`);
  }
  return parseManifest(file, raw);
}

/** True for optional debug tensors: `dbg_*`, also under a key prefix such as `t2v.dbg_*`. */
export function isDebugOutput(name: string): boolean {
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  return leaf.startsWith('dbg_');
}

/** The tolerance of one output: its `tolerance_per_output` entry, else the case tolerance. */
export function toleranceFor(m: CaseManifest, output: string): Tolerance {
  return m.tolerance_per_output?.[output] ?? m.tolerance;
}
