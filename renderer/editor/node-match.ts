/** Which node types the search boxes offer: by name/category text, and by socket compatibility. */
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import { socketCompatible, type SocketType } from '../../nodes/sdk/sockets';

export function matchesQuery(e: NodeCatalogEntry, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const hay = `${e.title} ${e.category} ${e.id} ${e.description}`.toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** A link dragged from a socket: an output of `type` looks for inputs, an input for outputs. */
export interface LinkFilter {
  node: string;
  handle: string;
  /** Direction of the socket the link was dragged from. */
  from: 'output' | 'input';
  type: SocketType;
}

/** The first socket of `e` the dragged link could attach to, or undefined. */
export function compatibleSocket(e: NodeCatalogEntry, f: LinkFilter): string | undefined {
  if (f.from === 'output') {
    for (const [name, spec] of Object.entries(e.inputs)) if (socketCompatible(f.type, spec.type)) return name;
  } else {
    for (const [name, spec] of Object.entries(e.outputs))
      if (socketCompatible(spec.type, f.type)) return name;
  }
  return undefined;
}

/** Ranks title-prefix matches first, then title contains, then the rest. */
export function rank(entries: readonly NodeCatalogEntry[], query: string): NodeCatalogEntry[] {
  const q = query.trim().toLowerCase();
  const score = (e: NodeCatalogEntry) => {
    const t = e.title.toLowerCase();
    return !q ? 0 : t.startsWith(q) ? 0 : t.includes(q) ? 1 : 2;
  };
  return entries.filter((e) => matchesQuery(e, query)).sort((a, b) => score(a) - score(b));
}
