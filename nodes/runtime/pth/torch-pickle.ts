// What a torch.save pickle may reference, and what each allowed reference means. Everything else
// is refused: the parser never imports or calls anything, it only builds TorchTensor/TorchStorage
// descriptions and plain containers.

import type { StDtype } from '../safetensors/reader';
import { PthError } from './errors';
import { PDict, PExt, PGlobal, PSet, PTuple, describeValue, latin1Bytes } from './pickle';
import type { PValue, PickleHooks } from './pickle';

/** A storage named by a persistent id: the bytes of archive entry `data/<key>`. */
export class TorchStorage extends PExt {
  readonly ext = 'storage';
  constructor(
    readonly key: string,
    /** element type of the storage (UntypedStorage: U8) */
    readonly dtype: StDtype,
    /** elements of `dtype` */
    readonly numel: number,
    readonly location: string,
    /** e.g. "torch.FloatStorage" */
    readonly typeName: string,
  ) {
    super();
  }
}

/** A tensor as `_rebuild_tensor*` describes it: a strided view of a storage. */
export class TorchTensor extends PExt {
  readonly ext = 'tensor';
  constructor(
    readonly storage: TorchStorage,
    readonly dtype: StDtype,
    /** in elements of `dtype` */
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {
    super();
  }
}

type Role =
  | 'dict'
  | 'set'
  | 'frozenset'
  | 'tuple'
  | 'list'
  | 'size'
  | 'encode'
  | 'bytearray'
  | 'device'
  | 'rebuild_v1'
  | 'rebuild_v2'
  | 'rebuild_v3'
  | 'parameter'
  | 'parameter_with_state'
  | 'from_type'
  | 'tensor_type'
  | 'storage'
  | 'dtype';

/** An accepted global and what it stands for. */
export class TorchGlobal extends PGlobal {
  constructor(
    module: string,
    name: string,
    readonly role: Role,
    /** storage and dtype globals: the element type (null: a real torch type this reader cannot read) */
    readonly dtype: StDtype | null = null,
  ) {
    super(module, name);
  }
}

const STORAGE_DTYPES: Record<string, StDtype | null> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
  UntypedStorage: 'U8',
  _UntypedStorage: 'U8',
};

const DTYPES: Record<string, StDtype | null> = {
  float32: 'F32',
  float: 'F32',
  float16: 'F16',
  half: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  double: 'F64',
  int64: 'I64',
  long: 'I64',
  int32: 'I32',
  int: 'I32',
  int16: 'I16',
  short: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
  complex32: null,
  complex64: null,
  complex128: null,
  cfloat: null,
  cdouble: null,
  chalf: null,
  uint16: null,
  uint32: null,
  uint64: null,
  float8_e4m3fn: null,
  float8_e5m2: null,
  float8_e4m3fnuz: null,
  float8_e5m2fnuz: null,
  float8_e8m0fnu: null,
  qint8: null,
  quint8: null,
  qint32: null,
};

const FIXED: Record<string, Role> = {
  'collections.OrderedDict': 'dict',
  'builtins.dict': 'dict',
  'builtins.set': 'set',
  'builtins.frozenset': 'frozenset',
  'builtins.tuple': 'tuple',
  'builtins.list': 'list',
  'builtins.bytearray': 'bytearray',
  '_codecs.encode': 'encode',
  'torch.Size': 'size',
  'torch.device': 'device',
  'torch._utils._rebuild_tensor': 'rebuild_v1',
  'torch._utils._rebuild_tensor_v2': 'rebuild_v2',
  'torch._utils._rebuild_tensor_v3': 'rebuild_v3',
  'torch._utils._rebuild_parameter': 'parameter',
  'torch._utils._rebuild_parameter_with_state': 'parameter_with_state',
  'torch._tensor._rebuild_from_type_v2': 'from_type',
  'torch.Tensor': 'tensor_type',
  'torch._tensor.Tensor': 'tensor_type',
  'torch.nn.parameter.Parameter': 'tensor_type',
};

/** Python 2 module names that protocol-2 pickles use, and torch's own renames. */
const MODULE_ALIASES: Record<string, string> = { __builtin__: 'builtins', 'torch.tensor': 'torch._tensor' };

/** Classifies a global; returns undefined when it is not on the allow-list. */
export function classifyGlobal(module: string, name: string): TorchGlobal | 'unsupported-torch' | undefined {
  const mod = MODULE_ALIASES[module] ?? module;
  const role = FIXED[`${mod}.${name}`];
  if (role) return new TorchGlobal(mod, name, role);
  const isTorch = mod === 'torch' || mod === 'torch.storage' || mod === 'torch.cuda';
  if (isTorch && /^_?[A-Za-z0-9_]*Storage$/.test(name) && name !== 'TypedStorage') {
    return new TorchGlobal(mod, name, 'storage', STORAGE_DTYPES[name] ?? null);
  }
  if (mod === 'torch' && Object.prototype.hasOwnProperty.call(DTYPES, name)) {
    return new TorchGlobal(mod, name, 'dtype', DTYPES[name]);
  }
  if (mod === 'torch._utils' && name.startsWith('_rebuild_')) return 'unsupported-torch';
  if (mod === 'torch.serialization' && name === '_get_layout') return 'unsupported-torch';
  return undefined;
}

/** Pickle hooks for torch.save checkpoints; `file` names the checkpoint in error messages. */
export function torchHooks(file: string): PickleHooks {
  const storages = new Map<string, TorchStorage>();
  const err = (msg: string): PthError => new PthError(file, `${file}: ${msg}`);

  const int = (v: PValue, what: string): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw err(`a tensor in the checkpoint has an invalid ${what} (${describeValue(v)}).`);
    return v;
  };
  const ints = (v: PValue, what: string): number[] => {
    const items = v instanceof PTuple ? v.items : Array.isArray(v) ? v : undefined;
    if (!items) throw err(`a tensor in the checkpoint has an invalid ${what} (${describeValue(v)}).`);
    if (items.length > 64)
      throw err(`a tensor in the checkpoint has ${items.length} dimensions, more than 64.`);
    return items.map((x) => int(x, what));
  };
  const items = (v: PValue, what: string): PValue[] => {
    if (v instanceof PTuple) return v.items;
    if (Array.isArray(v)) return v;
    if (v instanceof PSet) return v.items;
    throw err(`${what} expects a list or tuple, not ${describeValue(v)}.`);
  };

  const rebuild = (role: Role, args: PValue[]): TorchTensor => {
    const [storage, offset, size, stride] = args;
    if (!(storage instanceof TorchStorage))
      throw err(
        `a tensor in the checkpoint is not backed by a stored storage (it got ${describeValue(storage ?? null)}).`,
      );
    let dtype: StDtype = storage.dtype;
    if (role === 'rebuild_v3') {
      const d = args[6];
      if (!(d instanceof TorchGlobal) || d.role !== 'dtype')
        throw err(`a tensor in the checkpoint names its dtype as ${describeValue(d ?? null)}.`);
      if (!d.dtype)
        throw err(`a tensor in the checkpoint has dtype ${d.qualified}, which this reader does not support.`);
      dtype = d.dtype;
    }
    const metadata = role === 'rebuild_v2' ? args[6] : role === 'rebuild_v3' ? args[7] : undefined;
    if (metadata instanceof PDict) {
      for (const [k, v] of metadata.map) {
        if (v === true)
          throw err(
            `a tensor in the checkpoint is flagged "${typeof k === 'string' ? k : describeValue(k)}" (a lazy conjugate/negative view), which this reader does not support.`,
          );
      }
    }
    return new TorchTensor(
      storage,
      dtype,
      int(offset ?? null, 'storage offset'),
      ints(size ?? null, 'size'),
      ints(stride ?? null, 'stride'),
    );
  };

  const callRole = (g: TorchGlobal, args: PValue[], opcode: string): PValue => {
    const newobj = opcode.startsWith('NEWOBJ');
    switch (g.role) {
      case 'dict': {
        const d = new PDict();
        if (args.length && !newobj) {
          const src = args[0];
          if (src instanceof PDict) for (const [k, v] of src.map) d.map.set(k, v);
          else {
            for (const pair of items(src, g.qualified)) {
              const kv = items(pair, g.qualified);
              if (kv.length !== 2) throw err(`${g.qualified} got an item that is not a (key, value) pair.`);
              d.map.set(kv[0], kv[1]);
            }
          }
        }
        return d;
      }
      case 'set':
      case 'frozenset': {
        const s = new PSet(g.role === 'frozenset');
        if (args.length) s.items.push(...items(args[0], g.qualified));
        return s;
      }
      case 'tuple':
      case 'size':
        return new PTuple(args.length ? [...items(args[0], g.qualified)] : []);
      case 'list':
        return args.length ? [...items(args[0], g.qualified)] : [];
      case 'encode': {
        const [s, enc] = args;
        if (typeof s !== 'string') throw err(`_codecs.encode got ${describeValue(s ?? null)}, not a string.`);
        const e = typeof enc === 'string' ? enc.toLowerCase() : 'utf-8';
        if (e === 'latin1' || e === 'latin-1' || e === 'iso-8859-1') {
          try {
            return latin1Bytes(s);
          } catch {
            throw err('_codecs.encode got a string that is not latin-1.');
          }
        }
        if (e === 'utf-8' || e === 'utf8') return new TextEncoder().encode(s);
        throw err(`_codecs.encode asks for encoding ${JSON.stringify(enc)}, which is not supported.`);
      }
      case 'bytearray': {
        const [b] = args;
        if (b === undefined) return new Uint8Array(0);
        if (b instanceof Uint8Array) return b.slice();
        throw err(`bytearray got ${describeValue(b)}, not bytes.`);
      }
      case 'device': {
        const [type, index] = args;
        if (typeof type !== 'string') throw err(`torch.device got ${describeValue(type ?? null)}.`);
        return typeof index === 'number' ? `${type}:${index}` : type;
      }
      case 'rebuild_v1':
      case 'rebuild_v2':
      case 'rebuild_v3':
        return rebuild(g.role, args);
      case 'parameter':
      case 'parameter_with_state': {
        const t = args[0];
        if (!(t instanceof TorchTensor))
          throw err(`${g.qualified} got ${describeValue(t ?? null)}, not a tensor.`);
        return t;
      }
      case 'from_type': {
        const [fn, type, fnArgs] = args;
        if (!(type instanceof TorchGlobal) || type.role !== 'tensor_type')
          throw err(
            `refuses to load: a tensor is rebuilt as type ${describeValue(type ?? null)}, which is not a plain tensor or parameter.`,
          );
        const rebuilds: Role[] = [
          'rebuild_v1',
          'rebuild_v2',
          'rebuild_v3',
          'parameter',
          'parameter_with_state',
        ];
        if (!(fn instanceof TorchGlobal) || !rebuilds.includes(fn.role) || !(fnArgs instanceof PTuple))
          throw err(`${g.qualified} got ${describeValue(fn ?? null)} instead of a tensor rebuild function.`);
        return call(fn, fnArgs.items, opcode);
      }
      case 'tensor_type': {
        // torch.nn.Parameter(data, requires_grad) via NEWOBJ: the parameter is its data tensor.
        const t = args[0];
        if (newobj && t instanceof TorchTensor) return t;
        break;
      }
      default:
        break;
    }
    throw err(
      `refuses to load: the pickle calls ${g.qualified} (${opcode}), which a checkpoint never needs.`,
    );
  };

  const call = (callable: PValue, args: PValue[], opcode: string): PValue => {
    if (!(callable instanceof TorchGlobal))
      throw err(
        `refuses to load: the pickle calls ${describeValue(callable)} (${opcode}), which is not an allowed function.`,
      );
    return callRole(callable, args, opcode);
  };

  return {
    global(module, name) {
      const g = classifyGlobal(module, name);
      if (g === 'unsupported-torch') {
        throw err(
          `uses ${module}.${name} (a sparse, quantized, nested or device-specific tensor), which this reader does not support; convert the checkpoint to .safetensors.`,
        );
      }
      if (!g) {
        throw err(
          `refuses to load: the pickle references ${module}.${name}, which could run code. Only tensors and plain containers are allowed; if you trust this file, convert it to .safetensors with PyTorch.`,
        );
      }
      return g;
    },
    call,
    build(target, state) {
      // OrderedDict state dicts carry `_metadata` (module versions) as attributes; tensors may carry
      // plain attributes too. Neither matters for the weights, so the state is accepted and dropped.
      if (target instanceof PDict || target instanceof TorchTensor) return;
      throw err(
        `refuses to load: the pickle sets state on ${describeValue(target)} (with ${describeValue(state)}), which a checkpoint never needs.`,
      );
    },
    persistentLoad(pid) {
      if (!(pid instanceof PTuple))
        throw err(`the pickle names a storage as ${describeValue(pid)}, not a (storage, …) tuple.`);
      const [kind, type, key, location, numel] = pid.items;
      const kindStr = kind instanceof Uint8Array ? new TextDecoder().decode(kind) : kind;
      if (kindStr !== 'storage' || pid.items.length < 5)
        throw err(
          `the pickle has a persistent id of kind ${describeValue(kind ?? null)}; only storages are supported.`,
        );
      if (!(type instanceof TorchGlobal) || type.role !== 'storage')
        throw err(
          `a storage in the checkpoint has type ${describeValue(type ?? null)}, not a torch storage class.`,
        );
      if (!type.dtype)
        throw err(`a storage in the checkpoint is a ${type.qualified}, which this reader does not support.`);
      const keyStr = typeof key === 'number' ? String(key) : key;
      if (typeof keyStr !== 'string' || !/^[A-Za-z0-9_.-]{1,200}$/.test(keyStr))
        throw err(`a storage in the checkpoint has an invalid key (${describeValue(key ?? null)}).`);
      const loc = location instanceof Uint8Array ? new TextDecoder().decode(location) : location;
      if (typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0)
        throw err(`storage "${keyStr}" has an invalid size (${describeValue(numel ?? null)}).`);
      const prev = storages.get(keyStr);
      if (prev) {
        if (prev.dtype !== type.dtype)
          throw err(`storage "${keyStr}" is used both as ${prev.typeName} and ${type.qualified}.`);
        return prev;
      }
      const s = new TorchStorage(
        keyStr,
        type.dtype,
        numel,
        typeof loc === 'string' ? loc : 'cpu',
        type.qualified,
      );
      storages.set(keyStr, s);
      return s;
    },
  };
}
