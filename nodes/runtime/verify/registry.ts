// Runners keyed by manifest kind. Each lives in ./runners/<kind>.ts (exporting `run: CaseRunner`)
// and is imported lazily, so a missing runner is reported as "no runner for kind X", not a crash.

import { CASE_KINDS } from './types';
import type { CaseKind, CaseRunner } from './types';

export class NoRunnerError extends Error {
  readonly kind: string;
  constructor(kind: string, detail?: string) {
    super(`no runner for kind "${kind}"${detail ? `: ${detail}` : ''}`);
    this.name = 'NoRunnerError';
    this.kind = kind;
  }
}

export function isCaseKind(k: string): k is CaseKind {
  return (CASE_KINDS as readonly string[]).includes(k);
}

const overrides = new Map<string, CaseRunner>();

/** Registers (or, with undefined, removes) a runner that takes precedence over ./runners/<kind>.ts. */
export function registerRunner(kind: string, runner: CaseRunner | undefined): void {
  if (runner) overrides.set(kind, runner);
  else overrides.delete(kind);
}

function isModuleNotFound(e: unknown, kind: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  const code = err?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Only the runner file itself missing counts; a missing import inside it is a real error.
  return (err?.message ?? '').includes(`runners/${kind}`);
}

/** The runner for a manifest kind; throws NoRunnerError when there is none. */
export async function getRunner(kind: string): Promise<CaseRunner> {
  const o = overrides.get(kind);
  if (o) return o;
  if (!isCaseKind(kind)) throw new NoRunnerError(kind, `known kinds are ${CASE_KINDS.join(', ')}`);
  let mod: unknown;
  try {
    mod = await import(`./runners/${kind}`);
  } catch (e) {
    if (isModuleNotFound(e, kind))
      throw new NoRunnerError(kind, `nodes/runtime/verify/runners/${kind}.ts does not exist yet`);
    throw new NoRunnerError(
      kind,
      `loading runners/${kind}.ts failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const run = (mod as { run?: unknown }).run;
  if (typeof run !== 'function') throw new NoRunnerError(kind, `runners/${kind}.ts does not export "run"`);
  return run as CaseRunner;
}
