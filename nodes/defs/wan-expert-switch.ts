/** Expert Switch: the two Wan 2.2 A14B experts and when each one runs. */
import { defineNode } from '../sdk';
import { expectHandle, type WanExpertsHandle } from '../runtime/wan/pipeline/handles';

export const wanExpertSwitch = defineNode({
  id: 'wan.expert_switch',
  version: 1,
  category: 'Wan/Sampling',
  title: 'Expert Switch',
  description:
    'Wan 2.2 A14B mixture of experts: the high-noise expert runs while the timestep is at least boundary × 1000, then the low-noise one. Official: T2V boundary 0.875, guide 4 (high) / 3 (low); I2V boundary 0.9, guide 3.5 / 3.5.',
  inputs: {
    high: { type: 'MODEL', label: 'high-noise model' },
    low: { type: 'MODEL', label: 'low-noise model' },
    boundary: { type: 'FLOAT', default: 0.875, min: 0, max: 1, step: 0.005 },
    guide_high: {
      type: 'FLOAT',
      default: 4,
      min: 0,
      max: 30,
      step: 0.1,
      description: 'CFG scale of the high-noise expert.',
    },
    guide_low: {
      type: 'FLOAT',
      default: 3,
      min: 0,
      max: 30,
      step: 0.1,
      description: 'CFG scale of the low-noise expert.',
    },
    release_idle: {
      type: 'BOOLEAN',
      default: true,
      description:
        'Unload the high-noise expert when the low-noise one takes over, so only one is in memory.',
    },
  },
  outputs: {
    experts: { type: 'EXPERTS' },
  },
  execute({ high: highIn, low: lowIn, boundary, guide_high, guide_low, release_idle }, ctx) {
    const high = expectHandle('MODEL', highIn, 'Expert Switch', 'high');
    const low = expectHandle('MODEL', lowIn, 'Expert Switch', 'low');
    ctx.throwIfAborted();
    const a = high.config;
    const b = low.config;
    if (
      a.in_dim !== b.in_dim ||
      a.out_dim !== b.out_dim ||
      a.text_dim !== b.text_dim ||
      a.model_type !== b.model_type
    ) {
      throw new Error(
        `Expert Switch: the experts do not belong together: ${high.path} is a ${a.model_type} model (in ${a.in_dim}, out ${a.out_dim}, text ${a.text_dim}) but ${low.path} is a ${b.model_type} model (in ${b.in_dim}, out ${b.out_dim}, text ${b.text_dim}).`,
      );
    }
    if (high.key === low.key)
      ctx.log.warn('Expert Switch: the high- and low-noise models are the same file.');
    const experts: WanExpertsHandle = {
      kind: 'wan-experts',
      high,
      low,
      boundary,
      guide: [guide_low, guide_high],
      releaseIdle: release_idle,
    };
    return { experts };
  },
});
