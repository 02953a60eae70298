/**
 * The node catalog: every registered node type as plain JSON data (no functions), sent to the
 * renderer (`nodes:list`) and printed by `wan-studio nodes`.
 */
import type { InputsSpec, NodeDef, OutputsSpec } from '../sdk/define';

export interface NodeCatalogEntry {
  id: string;
  version: number;
  category: string;
  title: string;
  description: string;
  inputs: InputsSpec;
  outputs: OutputsSpec;
  /** An output node: runs by default. */
  output: boolean;
  /** Results may go to the on-disk cache. */
  persist: boolean;
  /** Never cached. */
  volatile: boolean;
}

export interface NodeCatalog {
  /** Sorted by category, then title, then id. */
  nodes: NodeCatalogEntry[];
}

/** The catalog entry of one definition: a deep, JSON-safe copy without execute/upgrade. */
export function catalogEntry(def: NodeDef): NodeCatalogEntry {
  return {
    id: def.id,
    version: def.version,
    category: def.category,
    title: def.title,
    description: def.description,
    inputs: jsonCopy(def.inputs),
    outputs: jsonCopy(def.outputs),
    output: def.output === true,
    persist: def.persist === true,
    volatile: def.volatile === true,
  };
}

export function buildCatalog(defs: readonly NodeDef[]): NodeCatalog {
  const nodes = defs.map(catalogEntry);
  nodes.sort((a, b) => cmp(a.category, b.category) || cmp(a.title, b.title) || cmp(a.id, b.id));
  return { nodes };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function jsonCopy<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
