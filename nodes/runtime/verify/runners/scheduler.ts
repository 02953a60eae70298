/**
 * Verify runner for the scheduler golden cases (manifest kind 'scheduler': sched_unipc, sched_dpmpp,
 * sched_euler_diffusers). For every (steps, shift) config in manifest.params.configs (or, failing that,
 * every `n{steps}_shift{shift}.` key prefix in io.safetensors) it builds the schedule, runs the stand-in
 * model v(x, t) = 0.3*x + (0.002*t)*c in float32 through our sampler from x_T, and returns the tensors
 * the case records under the same keys: sigmas, sigmas_f64 / sampling_sigmas_f64, timesteps, latents,
 * final, and for UniPC corrected_sample / use_corrector / order (DPM++: order).
 */
import { buildSchedule, type ScheduleKind } from '../../samplers/schedule';
import { createStepper } from '../../samplers/sampler';
import type { SamplerKind } from '../../samplers/stepper';
import type { UniPCStepper } from '../../samplers/unipc';
import type { DpmppStepper } from '../../samplers/dpmpp';
import type { ActualTensor, CaseContext, CaseRunner } from '../types';

interface SchedConfig {
  steps: number;
  shift: number;
  prefix: string;
}

/** Which sampler a case records, from its manifest `source`. */
function samplerOf(source: string): SamplerKind {
  if (source.includes('FlowUniPCMultistepScheduler')) return 'unipc';
  if (source.includes('FlowDPMSolverMultistepScheduler')) return 'dpm++';
  if (source.includes('FlowMatchEulerDiscreteScheduler')) return 'euler';
  throw new Error(`Scheduler case: cannot tell the sampler from the manifest source "${source}".`);
}

/** Euler case variants (key segment after the config prefix) and the sigma recipe each records. */
const EULER_VARIANTS: Readonly<Record<string, ScheduleKind>> = {
  wan_sigmas: 'euler',
  diffusers_default: 'euler-diffusers',
};

function configsOf(ctx: CaseContext): SchedConfig[] {
  const params = (ctx.manifest as { params?: { configs?: unknown } }).params;
  const list = Array.isArray(params?.configs) ? (params.configs as unknown[]) : [];
  const out: SchedConfig[] = [];
  for (const c of list) {
    const r = c as { steps?: unknown; shift?: unknown; key_prefix?: unknown };
    if (typeof r.steps === 'number' && typeof r.shift === 'number' && typeof r.key_prefix === 'string') {
      out.push({ steps: r.steps, shift: r.shift, prefix: r.key_prefix });
    }
  }
  if (out.length > 0) return out;
  const seen = new Set<string>();
  for (const name of ctx.io.tensors.keys()) {
    const m = /^n(\d+)_shift([0-9.eE+-]+)\./.exec(name);
    if (m && !seen.has(m[0])) {
      seen.add(m[0]);
      out.push({ steps: Number(m[1]), shift: Number(m[2]), prefix: m[0].slice(0, -1) });
    }
  }
  return out;
}

/** The stand-in model of the scheduler cases, in float32: v = 0.3*x + (0.002*t)*c. */
export function standInModel(x: Float32Array, c: Float32Array, t: number, out: Float32Array): Float32Array {
  const f = Math.fround;
  const a = f(0.3);
  const b = f(0.002 * t);
  for (let i = 0; i < x.length; i++) out[i] = f(a * x[i]) + f(b * c[i]);
  return out;
}

function runOne(
  kind: SamplerKind,
  scheduleKind: ScheduleKind,
  cfg: SchedConfig,
  keyPrefix: string,
  xT: Float32Array,
  c: Float32Array,
  out: Map<string, ActualTensor>,
): void {
  const schedule = buildSchedule(scheduleKind, { steps: cfg.steps, shift: cfg.shift });
  const stepper = createStepper(kind, schedule);
  const n = schedule.steps;
  const size = xT.length;
  const latents = new Float32Array(n * size);
  const corrected = kind === 'unipc' ? new Float32Array(n * size).fill(NaN) : null;
  const v = new Float32Array(size);
  let x = xT;
  for (let i = 0; i < n; i++) {
    standInModel(x, c, schedule.timesteps[i], v);
    const next = latents.subarray(i * size, (i + 1) * size);
    stepper.step(v, i, x, next);
    if (corrected) {
      const cs = (stepper as UniPCStepper).lastCorrected;
      if (cs) corrected.set(cs, i * size);
    }
    x = next;
  }
  out.set(`${keyPrefix}.sigmas`, schedule.sigmas);
  out.set(`${keyPrefix}.sigmas_f64`, schedule.sigmasF64);
  out.set(`${keyPrefix}.sampling_sigmas_f64`, schedule.sigmasF64);
  if (schedule.integerTimesteps) {
    out.set(
      `${keyPrefix}.timesteps`,
      BigInt64Array.from(schedule.timesteps, (t) => BigInt(t)),
    );
  } else {
    out.set(`${keyPrefix}.timesteps`, Float32Array.from(schedule.timesteps));
  }
  out.set(`${keyPrefix}.latents`, latents);
  out.set(`${keyPrefix}.final`, latents.slice((n - 1) * size));
  if (kind === 'unipc' && corrected) {
    const s = stepper as UniPCStepper;
    out.set(`${keyPrefix}.corrected_sample`, corrected);
    out.set(
      `${keyPrefix}.use_corrector`,
      Int32Array.from(s.correctorUsed, (u) => (u ? 1 : 0)),
    );
    out.set(`${keyPrefix}.order`, Int32Array.from(s.orders));
  } else if (kind === 'dpm++') {
    out.set(`${keyPrefix}.order`, Int32Array.from((stepper as DpmppStepper).orders));
  }
}

export const run: CaseRunner = async (ctx) => {
  const source = (ctx.manifest as { source?: unknown }).source;
  const kind = samplerOf(typeof source === 'string' ? source : '');
  const xT = await ctx.io.readF32('x_T');
  const c = await ctx.io.readF32('c');
  const computed = new Map<string, ActualTensor>();
  for (const cfg of configsOf(ctx)) {
    if (kind === 'euler') {
      for (const [variant, scheduleKind] of Object.entries(EULER_VARIANTS)) {
        const prefix = `${cfg.prefix}.${variant}`;
        if (ctx.io.has(`${prefix}.latents`)) runOne(kind, scheduleKind, cfg, prefix, xT, c, computed);
      }
    } else {
      runOne(kind, kind, cfg, cfg.prefix, xT, c, computed);
    }
  }
  // Return only what the case records, under its keys.
  const result = new Map<string, ActualTensor>();
  for (const [k, v] of computed) if (ctx.io.has(k)) result.set(k, v);
  return result;
};
