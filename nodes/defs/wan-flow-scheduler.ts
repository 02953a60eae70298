/** Flow Scheduler: the solver and the shifted flow-matching schedule of a Wan run. */
import { defineNode } from '../sdk';
import { buildSchedule } from '../runtime/samplers/schedule';
import { SAMPLER_KINDS, type SamplerKind } from '../runtime/samplers/stepper';
import type { ScheduleHandle } from '../runtime/wan/pipeline/handles';

export const wanFlowScheduler = defineNode({
  id: 'wan.flow_scheduler',
  version: 1,
  category: 'Wan/Sampling',
  title: 'Flow Scheduler',
  description:
    'Solver and noise schedule. Official settings: T2V-A14B 40 steps shift 12; I2V-A14B 40 steps shift 5; TI2V-5B 50 steps shift 5. Denoise below 1 runs only the last part of the schedule from the input latent.',
  inputs: {
    solver: {
      type: 'ENUM',
      options: SAMPLER_KINDS,
      default: 'unipc',
      description: 'unipc (official default), dpm++ (official), euler (flow-matching Euler).',
    },
    steps: { type: 'INT', default: 40, min: 1, max: 1000, step: 1 },
    shift: {
      type: 'FLOAT',
      default: 12,
      min: 0.01,
      max: 100,
      step: 0.1,
      description: 'Flow shift: higher spends more steps at high noise.',
    },
    denoise: { type: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01, display: 'slider' },
  },
  outputs: {
    schedule: { type: 'SCHEDULE' },
  },
  execute({ solver, steps, shift, denoise }, ctx) {
    ctx.throwIfAborted();
    const kind = solver as SamplerKind;
    const schedule = buildSchedule(kind, { steps, shift, denoise });
    const handle: ScheduleHandle = { kind: 'wan-schedule', solver: kind, schedule };
    return { schedule: handle };
  },
});
