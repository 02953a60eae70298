/** The Wan 2.2 node types, in catalog order. */
import type { AnyNodeDef } from '../sdk';
import { wanEmptyLatent } from './wan-empty-latent';
import { wanExpertSwitch } from './wan-expert-switch';
import { wanFlowScheduler } from './wan-flow-scheduler';
import { wanImageToVideo } from './wan-image-to-video';
import { wanLoadDiffusionModel } from './wan-load-diffusion-model';
import { wanLoadTextEncoder } from './wan-load-text-encoder';
import { wanLoadVae } from './wan-load-vae';
import { wanSampler } from './wan-sampler';
import { wanTextEncode } from './wan-text-encode';
import { wanVaeDecode } from './wan-vae-decode';
import { wanVaeEncode } from './wan-vae-encode';

export const wanNodes: AnyNodeDef[] = [
  wanLoadDiffusionModel,
  wanLoadTextEncoder,
  wanLoadVae,
  wanTextEncode,
  wanEmptyLatent,
  wanImageToVideo,
  wanFlowScheduler,
  wanExpertSwitch,
  wanSampler,
  wanVaeDecode,
  wanVaeEncode,
];
