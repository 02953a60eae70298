/**
 * GraphBuilder: builds an ONNX model in TypeScript. Weights are not copied: `weight()` makes an
 * initializer whose bytes are EXTERNAL DATA pointing into a .safetensors file (location, offset,
 * length), with a Cast to float32 for F16/BF16/F64 tensors. See README.md beside this file.
 */
import { basename } from 'node:path';
import { AttrType, DataType, encodeModel, type DType } from './proto';

/** Bumped whenever the bytes this builder emits change for the same calls (part of cache keys). */
export const BUILDER_VERSION = 2;

/** A static size or a symbolic name (e.g. 'tokens'). */
export type Dim = number | string;

/** Explicitly typed attribute values (plain numbers are INT when integral, FLOAT otherwise). */
export type TypedAttr =
  | { kind: 'f'; value: number }
  | { kind: 'floats'; value: number[] }
  | { kind: 'i'; value: number | bigint }
  | { kind: 'ints'; value: (number | bigint)[] }
  | { kind: 's'; value: string }
  | { kind: 'strings'; value: string[] }
  | { kind: 't'; dtype: DType; dims: number[]; data: ArrayBufferView };

export type AttrValue = number | bigint | string | boolean | number[] | string[] | TypedAttr;
export type Attrs = Record<string, AttrValue | undefined>;

/** Helpers to force an attribute's type: `attr.f(1)` is FLOAT 1.0, not INT 1. */
export const attr = {
  f: (value: number): TypedAttr => ({ kind: 'f', value }),
  floats: (value: number[]): TypedAttr => ({ kind: 'floats', value }),
  i: (value: number | bigint): TypedAttr => ({ kind: 'i', value }),
  ints: (value: (number | bigint)[]): TypedAttr => ({ kind: 'ints', value }),
  s: (value: string): TypedAttr => ({ kind: 's', value }),
  strings: (value: string[]): TypedAttr => ({ kind: 'strings', value }),
  tensor: (dtype: DType, dims: number[], data: ArrayBufferView): TypedAttr => ({
    kind: 't',
    dtype,
    dims,
    data,
  }),
};

/** What `weight()` needs from a safetensors file (nodes/runtime/safetensors SafetensorsFile fits). */
export interface WeightSource {
  readonly path: string;
  info(name: string): { name: string; dtype: string; shape: number[]; begin: number; end: number };
}

export interface WeightOptions {
  /** Value name in the graph (default: the key, sanitised). */
  name?: string;
  /** 'float32' (default): F16/BF16/F64 get a Cast to float32. 'keep': the stored dtype. */
  cast?: 'float32' | 'keep';
  /** Reinterpret the dims (same element count), e.g. [1, 6, dim] -> [6, dim]. */
  dims?: number[];
}

export interface OpOptions {
  /** Node name (default: generated). */
  name?: string;
  /** Operator domain, e.g. 'com.microsoft' (default: the ONNX domain). */
  domain?: string;
}

export interface BuilderOptions {
  name?: string;
  /** Default ONNX opset (default 21). */
  opset?: number;
  /** com.microsoft contrib opset imported when a node uses that domain (default 1). */
  msOpset?: number;
  /** Written to the model's metadata_props (e.g. the options the graph was built from). */
  metadata?: Record<string, string>;
}

const ST_DTYPES: Record<string, DType> = {
  F64: 'float64',
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

const BYTES_PER: Partial<Record<DType, number>> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

interface ExternalRef {
  file: string;
  offset: number;
  length: number;
}

interface Initializer {
  name: string;
  dtype: DType;
  dims: number[];
  raw?: Uint8Array;
  external?: ExternalRef;
}

interface NodeRec {
  op_type: string;
  domain: string;
  name: string;
  input: string[];
  output: string[];
  attribute: Record<string, unknown>[];
}

interface ValueInfo {
  name: string;
  dtype: DType;
  dims?: Dim[];
}

const sanitize = (s: string): string => s.replace(/[^A-Za-z0-9_.:/-]/g, '_');

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function typeProto(dtype: DType, dims?: Dim[]): Record<string, unknown> {
  const tensor: Record<string, unknown> = { elem_type: DataType[dtype] };
  if (dims) {
    tensor.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })),
    };
  }
  return { tensor_type: tensor };
}

function tensorProto(t: Initializer, locate: (file: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: t.name, data_type: DataType[t.dtype], dims: t.dims };
  if (t.external) {
    out.data_location = 1;
    out.external_data = [
      { key: 'location', value: locate(t.external.file) },
      { key: 'offset', value: String(t.external.offset) },
      { key: 'length', value: String(t.external.length) },
    ];
  } else {
    out.raw_data = t.raw ?? new Uint8Array(0);
  }
  return out;
}

function encodeAttr(name: string, v: AttrValue): Record<string, unknown> {
  const typed: TypedAttr =
    typeof v === 'object' && !Array.isArray(v)
      ? v
      : typeof v === 'boolean'
        ? { kind: 'i', value: v ? 1 : 0 }
        : typeof v === 'bigint'
          ? { kind: 'i', value: v }
          : typeof v === 'number'
            ? Number.isInteger(v)
              ? { kind: 'i', value: v }
              : { kind: 'f', value: v }
            : typeof v === 'string'
              ? { kind: 's', value: v }
              : v.length > 0 && typeof v[0] === 'string'
                ? { kind: 'strings', value: v as string[] }
                : (v as number[]).every((x) => Number.isInteger(x))
                  ? { kind: 'ints', value: v as number[] }
                  : { kind: 'floats', value: v as number[] };
  const enc = new TextEncoder();
  switch (typed.kind) {
    case 'f':
      return { name, type: AttrType.FLOAT, f: typed.value };
    case 'floats':
      return { name, type: AttrType.FLOATS, floats: typed.value };
    case 'i':
      return { name, type: AttrType.INT, i: typed.value.toString() };
    case 'ints':
      return { name, type: AttrType.INTS, ints: typed.value.map((x) => x.toString()) };
    case 's':
      return { name, type: AttrType.STRING, s: enc.encode(typed.value) };
    case 'strings':
      return { name, type: AttrType.STRINGS, strings: typed.value.map((x) => enc.encode(x)) };
    case 't':
      return {
        name,
        type: AttrType.TENSOR,
        t: { data_type: DataType[typed.dtype], dims: typed.dims, raw_data: bytesOf(typed.data) },
      };
  }
}

export class GraphBuilder {
  readonly name: string;
  readonly opset: number;
  readonly msOpset: number;
  readonly metadata: Record<string, string>;
  private readonly nodes: NodeRec[] = [];
  private readonly inits: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private readonly weightCache = new Map<string, string>();
  private readonly files = new Set<string>();
  private counter = 0;

  constructor(opts: BuilderOptions = {}) {
    this.name = opts.name ?? 'graph';
    this.opset = opts.opset ?? 21;
    this.msOpset = opts.msOpset ?? 1;
    this.metadata = { ...(opts.metadata ?? {}) };
  }

  /** A fresh value name starting with `prefix`. */
  unique(prefix: string): string {
    const n = this.free(prefix);
    this.names.add(n);
    return n;
  }

  /** A value name starting with `prefix` that is not used yet (not reserved). */
  private free(prefix: string): string {
    let n = sanitize(prefix);
    while (this.names.has(n)) n = `${sanitize(prefix)}_${++this.counter}`;
    return n;
  }

  private claim(name: string): string {
    if (this.names.has(name))
      throw new Error(`GraphBuilder: the value name "${name}" is already used in graph "${this.name}".`);
    this.names.add(name);
    return name;
  }

  /** Declares a graph input; dims are numbers (static) or strings (symbolic). Returns its name. */
  input(name: string, dtype: DType, dims: Dim[]): string {
    this.inputs.push({ name: this.claim(name), dtype, dims });
    return name;
  }

  /** Adds a node with one output and returns the output's name. */
  op(type: string, inputs: string[], attrs?: Attrs, opts?: OpOptions & { outputs?: undefined }): string;
  /** Adds a node with several outputs (a count, or explicit names) and returns their names. */
  op(
    type: string,
    inputs: string[],
    attrs: Attrs | undefined,
    opts: OpOptions & { outputs: number | string[] },
  ): string[];
  op(
    type: string,
    inputs: string[],
    attrs?: Attrs,
    opts: OpOptions & { outputs?: number | string[] } = {},
  ): string | string[] {
    const outs =
      typeof opts.outputs === 'number'
        ? Array.from({ length: opts.outputs }, (_, i) => this.unique(`${type}_${this.nodes.length}_o${i}`))
        : Array.isArray(opts.outputs)
          ? opts.outputs.map((o) => (o === '' ? '' : this.claim(o)))
          : [this.unique(`${type}_${this.nodes.length}`)];
    const attribute: Record<string, unknown>[] = [];
    for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) attribute.push(encodeAttr(k, v));
    this.nodes.push({
      op_type: type,
      domain: opts.domain ?? '',
      name: opts.name ?? `n${this.nodes.length}_${type}`,
      input: inputs,
      output: outs,
      attribute,
    });
    return opts.outputs === undefined ? outs[0] : outs;
  }

  /** An inline initializer holding `data` (little-endian bytes of the typed array). */
  tensor(dtype: DType, dims: number[], data: ArrayBufferView, name?: string): string {
    const n = name ? this.claim(name) : this.unique('const');
    const count = dims.reduce((a, b) => a * b, 1);
    const per = BYTES_PER[dtype];
    if (per !== undefined && data.byteLength !== count * per) {
      throw new Error(
        `GraphBuilder: tensor "${n}" has ${data.byteLength} bytes, expected ${count * per} for ${dtype} [${dims.join(', ')}].`,
      );
    }
    this.inits.push({ name: n, dtype, dims, raw: new Uint8Array(bytesOf(data)) });
    return n;
  }

  /** A float32 constant: a scalar (dims []) by default, or a tensor with `dims`. */
  constF32(value: number | ArrayLike<number>, dims?: number[]): string {
    const arr = typeof value === 'number' ? Float32Array.of(value) : Float32Array.from(value);
    return this.tensor('float32', dims ?? (typeof value === 'number' ? [] : [arr.length]), arr);
  }

  /** An int64 constant: a scalar (dims []) by default, or a 1-D/N-D tensor. */
  constI64(value: number | bigint | ArrayLike<number | bigint>, dims?: number[]): string {
    const list = typeof value === 'number' || typeof value === 'bigint' ? [value] : Array.from(value);
    const arr = BigInt64Array.from(list.map((x) => BigInt(x)));
    const scalar = typeof value === 'number' || typeof value === 'bigint';
    return this.tensor('int64', dims ?? (scalar ? [] : [arr.length]), arr);
  }

  /**
   * A weight from a safetensors file as external data (not read into memory). Float weights are
   * cast to float32 unless `cast: 'keep'`. Returns the value name to use as a node input.
   */
  weight(file: WeightSource, key: string, opts: WeightOptions = {}): string {
    const cast = opts.cast ?? 'float32';
    const cacheKey = `${file.path}\u0000${key}\u0000${cast}\u0000${opts.dims?.join(',') ?? ''}`;
    const hit = this.weightCache.get(cacheKey);
    if (hit) return hit;
    const info = file.info(key);
    const dtype = ST_DTYPES[info.dtype];
    if (!dtype)
      throw new Error(
        `Weight "${key}" in ${file.path} has dtype ${info.dtype}, which the ONNX builder cannot use.`,
      );
    const dims = opts.dims ?? info.shape;
    const count = dims.reduce((a, b) => a * b, 1);
    const per = BYTES_PER[dtype] ?? 0;
    if (count * per !== info.end - info.begin) {
      throw new Error(
        `Weight "${key}" in ${file.path}: dims [${dims.join(', ')}] do not match its ${info.end - info.begin} bytes of ${info.dtype}.`,
      );
    }
    const base = opts.name ?? sanitize(key);
    const needsCast =
      cast === 'float32' && (dtype === 'float16' || dtype === 'bfloat16' || dtype === 'float64');
    const initName = needsCast
      ? this.unique(`${base}__${dtype}`)
      : opts.name
        ? this.claim(base)
        : this.unique(base);
    this.files.add(file.path);
    this.inits.push({
      name: initName,
      dtype,
      dims,
      external: { file: file.path, offset: info.begin, length: info.end - info.begin },
    });
    const value = needsCast
      ? this.op('Cast', [initName], { to: DataType.float32 }, { outputs: [this.free(base)] })[0]
      : initName;
    this.weightCache.set(cacheKey, value);
    return value;
  }

  /**
   * Marks `value` as a graph output named `name` (default: the value's own name; an Identity is
   * added when the names differ). dtype defaults to float32; dims are optional.
   */
  output(value: string, name?: string, opts: { dtype?: DType; dims?: Dim[] } = {}): string {
    let out = value;
    if (name && name !== value) out = this.op('Identity', [value], undefined, { outputs: [name] })[0]!;
    this.outputs.push({ name: out, dtype: opts.dtype ?? 'float32', dims: opts.dims });
    return out;
  }

  /** Absolute paths of the safetensors files the graph's external data may point into. */
  get weightFiles(): string[] {
    return [...this.files];
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * Serialises the model. `locate` maps each weight file's absolute path to the external-data
   * location written into the model (relative to the .onnx file's folder; default: the basename).
   */
  toBytes(opts: { locate?: (file: string) => string } = {}): Uint8Array {
    const locate = opts.locate ?? ((f: string) => basename(f));
    // Dead-code elimination: keep only nodes and initializers that the outputs depend on.
    const live = new Set(this.outputs.map((o) => o.name));
    const nodes: NodeRec[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i];
      if (!n.output.some((o) => live.has(o))) continue;
      nodes.push(n);
      for (const inp of n.input) if (inp) live.add(inp);
    }
    nodes.reverse();
    const inits = this.inits.filter((t) => live.has(t.name));
    const domains = new Set(nodes.map((n) => n.domain));
    const opsetImport: Record<string, unknown>[] = [{ domain: '', version: this.opset }];
    for (const d of domains)
      if (d !== '') opsetImport.push({ domain: d, version: d === 'com.microsoft' ? this.msOpset : 1 });
    const model = {
      ir_version: 10,
      producer_name: 'wan-studio',
      producer_version: String(BUILDER_VERSION),
      opset_import: opsetImport,
      metadata_props: Object.entries(this.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: nodes,
        initializer: inits.map((t) => tensorProto(t, locate)),
        input: this.inputs.map((v) => ({ name: v.name, type: typeProto(v.dtype, v.dims) })),
        output: this.outputs.map((v) => ({ name: v.name, type: typeProto(v.dtype, v.dims) })),
      },
    };
    return encodeModel(model);
  }
}
