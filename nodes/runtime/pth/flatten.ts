// Flattens the data tree of a torch.save pickle into dotted tensor names ("encoder.block.0.weight")
// plus string metadata for scalar leaves. Bounded: depth, cycles and the number of visits.

import { PDict, PTuple } from './pickle';
import type { PValue } from './pickle';
import { TorchTensor } from './torch-pickle';

export interface Flattened {
  tensors: Map<string, TorchTensor>;
  metadata: Record<string, string>;
}

export interface FlattenLimits {
  maxDepth: number;
  maxVisits: number;
  maxMetadata: number;
}

export const DEFAULT_FLATTEN_LIMITS: Readonly<FlattenLimits> = {
  maxDepth: 64,
  maxVisits: 2_000_000,
  maxMetadata: 1000,
};

/** The name a lone top-level tensor gets (torch.save(tensor)). */
export const LONE_TENSOR_NAME = 'tensor';

export class FlattenError extends Error {}

export function flattenCheckpoint(root: PValue, limits: Partial<FlattenLimits> = {}): Flattened {
  const lim = { ...DEFAULT_FLATTEN_LIMITS, ...limits };
  const tensors = new Map<string, TorchTensor>();
  const metadata: Record<string, string> = {};
  let metaCount = 0;
  let visits = 0;
  const onPath = new Set<object>();

  /** Python's spelling of a scalar; undefined for values that are not scalars. */
  const scalarText = (v: PValue): string | undefined => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return undefined;
  };
  const join = (prefix: string, k: string): string => (prefix ? `${prefix}.${k}` : k);

  const walk = (v: PValue, name: string, depth: number): void => {
    if (++visits > lim.maxVisits)
      throw new FlattenError(
        `the checkpoint's structure has more than ${lim.maxVisits} values, the reader's limit.`,
      );
    if (v instanceof TorchTensor) {
      const n = name || LONE_TENSOR_NAME;
      if (tensors.has(n)) throw new FlattenError(`two tensors in the checkpoint are both named "${n}".`);
      tensors.set(n, v);
      return;
    }
    if (v === null || typeof v !== 'object') {
      const text = scalarText(v);
      if (text !== undefined && name && name !== '__proto__' && metaCount < lim.maxMetadata) {
        if (!Object.hasOwn(metadata, name)) {
          metadata[name] = text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
          metaCount++;
        }
      }
      return;
    }
    const isDict = v instanceof PDict;
    const list = Array.isArray(v) ? v : v instanceof PTuple ? v.items : undefined;
    if (!isDict && !list) return; // sets, bytes, globals, storages: not weights
    if (depth >= lim.maxDepth) {
      throw new FlattenError(
        `the checkpoint nests containers more than ${lim.maxDepth} levels deep (at "${name}"), the reader's limit.`,
      );
    }
    if (onPath.has(v)) throw new FlattenError(`the checkpoint's structure contains itself (at "${name}").`);
    onPath.add(v);
    if (isDict) {
      for (const [k, child] of v.map) {
        const key = scalarText(k);
        if (key !== undefined) walk(child, join(name, key), depth + 1);
        else if (child !== null && typeof child === 'object') {
          // a tuple/None key holding a container or tensor: its tensors would have no name
          throw new FlattenError(
            `the checkpoint has a dict key under "${name || '(top level)'}" that is not a name.`,
          );
        }
      }
    } else {
      list!.forEach((child, i) => walk(child, join(name, String(i)), depth + 1));
    }
    onPath.delete(v);
  };
  walk(root, '', 0);
  return { tensors, metadata };
}
