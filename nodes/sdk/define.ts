/**
 * The node SDK: how a node type is declared. Everything except `execute` is plain data and
 * travels to the renderer as the node catalog.
 */
import type { SocketType } from './sockets';
import type { Artifact, ImageBatch, SocketValues } from './values';

/** Folder kinds a FILE input lists (the editor's file picker, the engine's path resolution). */
export const FILE_FOLDERS = [
  'diffusion_models',
  'text_encoders',
  'vae',
  'tokenizers',
  'images',
  'videos',
  'workflows',
  'output',
] as const;
export type FileFolder = (typeof FILE_FOLDERS)[number];

interface InputBase {
  /** Shown in the editor; defaults to the input name. */
  label?: string;
  description?: string;
  /** An unconnected optional link input is passed as `undefined`. */
  optional?: boolean;
}

export interface IntInput extends InputBase {
  type: 'INT';
  default: number;
  min?: number;
  max?: number;
  step?: number;
  /** A seed: the editor offers fixed / randomize / increment after each run. */
  seed?: boolean;
}
export interface FloatInput extends InputBase {
  type: 'FLOAT';
  default: number;
  min?: number;
  max?: number;
  step?: number;
  /** 'slider' when min and max are both set and the range is small. */
  display?: 'number' | 'slider';
}
export interface StringInput extends InputBase {
  type: 'STRING';
  default: string;
  multiline?: boolean;
}
export interface BooleanInput extends InputBase {
  type: 'BOOLEAN';
  default: boolean;
}
export interface EnumInput extends InputBase {
  type: 'ENUM';
  options: readonly string[];
  default: string;
}
export interface FileInput extends InputBase {
  type: 'FILE';
  /** What the picker shows: a model file, an image (with thumbnail), a video, a workflow. */
  kind: 'model' | 'image' | 'video' | 'workflow' | 'any';
  folder: FileFolder;
  /** Accepted extensions, lower case with the dot: ['.safetensors']. */
  extensions?: readonly string[];
  default: string;
}
/** An input that only an edge can feed (models, latents, images...). */
export interface LinkInput<T extends SocketType = SocketType> extends InputBase {
  type: T;
}

export type WidgetInputSpec = IntInput | FloatInput | StringInput | BooleanInput | EnumInput | FileInput;
export type InputSpec = WidgetInputSpec | LinkInput<Exclude<SocketType, WidgetInputSpec['type']>>;

export interface OutputSpec {
  type: SocketType;
  label?: string;
  description?: string;
}

export type InputsSpec = Record<string, InputSpec>;
export type OutputsSpec = Record<string, OutputSpec>;

type ValueOf<T extends SocketType> = T extends keyof SocketValues ? SocketValues[T] : unknown;

/** What `execute` receives: one value per input, typed from the spec. */
export type InputValues<I extends InputsSpec> = {
  [K in keyof I]: I[K] extends { optional: true } ? ValueOf<I[K]['type']> | undefined : ValueOf<I[K]['type']>;
};
/** What `execute` returns: one value per output. */
export type OutputValues<O extends OutputsSpec> = { [K in keyof O]: ValueOf<O[K]['type']> };

export interface ProgressInfo {
  step: number;
  total: number;
  /** A small preview (e.g. a cheap latent → RGB projection of the current frame). */
  preview?: ImageBatch;
  /** Free text, e.g. "high-noise expert". */
  message?: string;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/**
 * Long-lived heavy objects (ONNX sessions, parsed checkpoints) live here, keyed by what they
 * were made from, separately from the result cache.
 */
export interface ModelPool {
  /** Returns the live entry for `key`, creating it with `create` when absent. */
  acquire<T>(key: string, create: () => Promise<T>, dispose?: (value: T) => void | Promise<void>): Promise<T>;
  /** Disposes and forgets the entry (no-op when absent). Returns whether one was released. */
  release(key: string): Promise<boolean>;
  has(key: string): boolean;
  keys(): string[];
}

export interface ExecContext {
  nodeId: string;
  /** Aborted when the run is cancelled; long nodes check it at every step. */
  signal: AbortSignal;
  /** Throws the engine's cancellation error when the run was cancelled. */
  throwIfAborted(): void;
  progress(info: ProgressInfo): void;
  log: Logger;
  /** A temp folder private to this node execution, removed after the run. */
  tempDir: string;
  /** Where output nodes write their files. */
  outputDir: string;
  models: ModelPool;
  /** Report a file this node produced (shown in outputs, printed by the CLI). */
  artifact(a: Artifact): void;
  /** The workflow being run, as a canonical JSON string (embedded into videos). */
  workflowJson: string;
  /** Engine-wide settings a node may read (execution provider, threads...). */
  settings: Readonly<Record<string, unknown>>;
}

export interface NodeDef<I extends InputsSpec = InputsSpec, O extends OutputsSpec = OutputsSpec> {
  /** Stable type id, e.g. 'video.out'. Never renamed. */
  id: string;
  /** Bumped when inputs change meaning; `upgrade` maps older saved values. */
  version: number;
  category: string;
  title: string;
  description: string;
  inputs: I;
  outputs: O;
  /** An output node (writes files / shows results): runs by default. */
  output?: boolean;
  /** Results may be written to the on-disk cache (latents, frames). */
  persist?: boolean;
  /** Never cache (e.g. a node reading the clock). */
  volatile?: boolean;
  /** Maps values saved by an older version of this node type to the current inputs. */
  upgrade?: (values: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
  execute(inputs: InputValues<I>, ctx: ExecContext): Promise<OutputValues<O>> | OutputValues<O>;
}

/** Any node definition, with its types erased (what registries hold). */
export type AnyNodeDef = Omit<NodeDef, 'execute'> & {
  execute(
    inputs: Record<string, unknown>,
    ctx: ExecContext,
  ): Promise<Record<string, unknown>> | Record<string, unknown>;
};

/** Declares a node type; the identity function that gives `execute` its typed inputs. */
export function defineNode<const I extends InputsSpec, const O extends OutputsSpec>(
  def: NodeDef<I, O>,
): NodeDef<I, O> {
  return def;
}
