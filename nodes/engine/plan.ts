/**
 * The execution plan: the nodes the requested outputs depend on, in a stable topological order
 * (among nodes whose inputs are ready, the one earliest in the document runs first).
 * Expects a graph without cycles or dangling edges (the validator checks that first).
 */
import type { Graph } from './graph';

export interface Plan {
  /** Node ids in execution order. */
  order: string[];
  /** The output nodes requested. */
  outputs: string[];
}

export function planRun(graph: Graph, outputs: readonly string[]): Plan {
  // Walk backwards from the outputs to find what they need.
  const needed = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    const g = graph.nodes.get(id);
    if (!g) continue;
    needed.add(id);
    for (const link of g.links.values()) if (!needed.has(link.from)) stack.push(link.from);
  }

  // Kahn's algorithm over the needed nodes with a min-heap on document index.
  const pending = new Map<string, number>();
  const consumers = new Map<string, string[]>();
  for (const id of needed) {
    const g = graph.nodes.get(id)!;
    const deps = new Set<string>();
    for (const link of g.links.values()) deps.add(link.from);
    pending.set(id, deps.size);
    for (const d of deps) {
      const list = consumers.get(d);
      if (list) list.push(id);
      else consumers.set(d, [id]);
    }
  }
  const heap = new MinHeap();
  for (const [id, n] of pending) if (n === 0) heap.push(graph.nodes.get(id)!.index);
  const order: string[] = [];
  while (heap.size > 0) {
    const id = graph.ids[heap.pop()];
    order.push(id);
    for (const c of consumers.get(id) ?? []) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) heap.push(graph.nodes.get(c)!.index);
    }
  }
  if (order.length !== needed.size) {
    throw new Error('The workflow has a cycle; validate it before planning a run.');
  }
  return { order, outputs: [...outputs] };
}

class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r] < a[l] ? r : l;
        if (a[c] >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
