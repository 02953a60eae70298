/**
 * Cycle finding: the strongly connected components (Tarjan, iterative) that hold a cycle.
 * Each cycle is returned as node ids in document order; cycles ordered by their first node.
 */
export function findCycles(
  ids: readonly string[],
  successors: (id: string) => readonly string[],
): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const pos = new Map<string, number>();
  ids.forEach((id, i) => pos.set(id, i));
  const cycles: string[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (index.has(root)) continue;
    // Explicit DFS stack of [node, next successor position].
    const work: Array<[string, number]> = [[root, 0]];
    index.set(root, counter);
    low.set(root, counter);
    counter++;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const succ = successors(v);
      if (i < succ.length) {
        frame[1] = i + 1;
        const w = succ[i];
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter);
          counter++;
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || succ.includes(v)) {
          comp.sort((a, b) => pos.get(a)! - pos.get(b)!);
          cycles.push(comp);
        }
      }
    }
  }
  cycles.sort((a, b) => pos.get(a[0])! - pos.get(b[0])!);
  return cycles;
}
