/**
 * The run-time values of the Wan sockets (MODEL, EXPERTS, TEXT_ENCODER, VAE, CONDITIONING,
 * SCHEDULE). They are plain data (no sessions, no class instances), so results can be hashed,
 * sized and cached; the heavy objects live in the engine's model pool under `key`.
 *
 * The SDK's SocketValues is not augmented with these types (the engine's run loop and its tests
 * rely on those sockets being `unknown`); nodes check what they receive with `expectHandle`.
 */
import type { Tensor } from '../../../sdk';
import type { SamplerKind } from '../../samplers/stepper';
import type { Schedule } from '../../samplers/schedule';
import type { ExecutionProvider } from '../../onnx/session';
import type { WanDitConfig } from '../layout/dit-config';
import type { DitLayout } from '../layout/dit-keys';

/** Where and how a model's sessions are created (part of every pool key). */
export interface RuntimeOptions {
  ep: ExecutionProvider;
  /** ORT intra-op threads; 0 = ORT's choice. */
  threads: number;
  /** Folder of generated .onnx files; undefined = the runtime's default. */
  cacheDir?: string;
}

/** A Wan 2.2 DiT checkpoint (Load Diffusion Model). */
export interface WanModelHandle {
  kind: 'wan-model';
  /** Absolute path of the .safetensors file. */
  path: string;
  /** Model-pool key: file identity + runtime options. */
  key: string;
  config: WanDitConfig;
  layout: DitLayout;
  /** Storage dtype of the weights (the most common one). */
  dtype: string;
  runtime: RuntimeOptions;
}

/** The Wan 2.2 A14B mixture of experts (Expert Switch). */
export interface WanExpertsHandle {
  kind: 'wan-experts';
  high: WanModelHandle;
  low: WanModelHandle;
  /** The high-noise expert runs while t >= boundary*1000. */
  boundary: number;
  /** CFG scales ordered (low-noise, high-noise), as the official guide_scale tuple. */
  guide: [number, number];
  /** Release the idle expert's sessions at the switch, so only one expert is resident. */
  releaseIdle: boolean;
}

/** A umT5 encoder plus its tokenizer (Load Text Encoder). */
export interface TextEncoderHandle {
  kind: 'wan-text-encoder';
  weights: string;
  tokenizer: string;
  key: string;
  runtime: RuntimeOptions;
}

/** A Wan 2.1 / 2.2 VAE (Load VAE). */
export interface VaeHandle {
  kind: 'wan-vae';
  path: string;
  key: string;
  version: '2.1' | '2.2';
  zDim: number;
  /** [time, height, width] strides between pixels and latents. */
  stride: [number, number, number];
  runtime: RuntimeOptions;
}

/** Text Encode's output: the prompt's and the negative prompt's DiT contexts. */
export interface WanConditioning {
  kind: 'wan-conditioning';
  /** [tokens, text_dim] of the prompt (`</s>` included). */
  cond: Tensor;
  /** [tokens, text_dim] of the negative prompt. */
  uncond: Tensor;
  prompt: string;
  negative: string;
}

/** Flow Scheduler's output. */
export interface ScheduleHandle {
  kind: 'wan-schedule';
  solver: SamplerKind;
  schedule: Schedule;
}

type Kinds = {
  MODEL: WanModelHandle;
  EXPERTS: WanExpertsHandle;
  TEXT_ENCODER: TextEncoderHandle;
  VAE: VaeHandle;
  CONDITIONING: WanConditioning;
  SCHEDULE: ScheduleHandle;
};

const KIND_OF: { [K in keyof Kinds]: { kind: Kinds[K]['kind']; from: string } } = {
  MODEL: { kind: 'wan-model', from: 'Load Diffusion Model' },
  EXPERTS: { kind: 'wan-experts', from: 'Expert Switch' },
  TEXT_ENCODER: { kind: 'wan-text-encoder', from: 'Load Text Encoder' },
  VAE: { kind: 'wan-vae', from: 'Load VAE' },
  CONDITIONING: { kind: 'wan-conditioning', from: 'Text Encode' },
  SCHEDULE: { kind: 'wan-schedule', from: 'Flow Scheduler' },
};

/**
 * The Wan handle an input received, checked at run time (the SDK types these sockets as
 * `unknown`): throws "<node>: input "<name>" must be a MODEL (from Load Diffusion Model) …".
 */
export function expectHandle<K extends keyof Kinds>(
  type: K,
  value: unknown,
  node: string,
  input: string,
): Kinds[K] {
  const want = KIND_OF[type];
  const kind = (value as { kind?: unknown } | null | undefined)?.kind;
  if (kind !== want.kind) {
    const got =
      value === undefined
        ? 'nothing'
        : typeof kind === 'string'
          ? `a "${kind}" value`
          : value === null
            ? 'null'
            : `a value of type ${typeof value}`;
    throw new Error(
      `${node}: input "${input}" must be a ${type} (from ${want.from}), but it received ${got}.`,
    );
  }
  return value as Kinds[K];
}

/** As expectHandle, for an optional input: undefined stays undefined. */
export function optionalHandle<K extends keyof Kinds>(
  type: K,
  value: unknown,
  node: string,
  input: string,
): Kinds[K] | undefined {
  return value === undefined ? undefined : expectHandle(type, value, node, input);
}
