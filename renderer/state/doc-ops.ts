/**
 * Edits of a workflow document, written as recipes on an immer draft (the store records each as
 * patches for undo/redo). Pure: no React, no API.
 */
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import type { InputSpec } from '../../nodes/sdk/define';
import { isWidgetType, socketCompatible, type SocketType } from '../../nodes/sdk/sockets';
import type {
  SeedControlMode,
  WorkflowDocument,
  WorkflowEdge,
  WorkflowGroup,
  WorkflowNode,
} from '../../workflows/schema';

export type Doc = WorkflowDocument;
export interface XY {
  x: number;
  y: number;
}

export function emptyDocument(): Doc {
  return { schemaVersion: 1, nodes: {}, edges: [] };
}

/** Default literal values of a node type's widget inputs. */
export function defaultValues(entry: NodeCatalogEntry): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(entry.inputs)) {
    if ('default' in spec) values[name] = spec.default;
  }
  return values;
}

/** A fresh id `<base><n>` not used by `taken`. */
export function freshId(base: string, taken: (id: string) => boolean): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'node';
  for (let n = 1; ; n++) {
    const id = `${clean}_${n}`;
    if (!taken(id)) return id;
  }
}

export function nodeBaseName(type: string): string {
  const last = type.split('.').pop() ?? type;
  return last || 'node';
}

export function addNode(doc: Doc, entry: NodeCatalogEntry, position: XY): string {
  const id = freshId(nodeBaseName(entry.id), (x) => x in doc.nodes);
  doc.nodes[id] = {
    type: entry.id,
    version: entry.version,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    values: defaultValues(entry),
  };
  return id;
}

export function setValue(doc: Doc, node: string, input: string, value: unknown): void {
  const n = doc.nodes[node];
  if (n) n.values[input] = value;
}

/** Sets what happens to a seed input after each run (`fixed` is the default and is not stored). */
export function setSeedControl(doc: Doc, node: string, input: string, mode: SeedControlMode): void {
  const n = doc.nodes[node];
  if (!n) return;
  const next = { ...n.seedControl };
  if (mode === 'fixed') delete next[input];
  else next[input] = mode;
  if (Object.keys(next).length === 0) delete n.seedControl;
  else n.seedControl = next;
}

/**
 * The seed after a run: `increment` adds one (wrapping from max to min), `randomize` draws a
 * whole number in [min, max] with `random` (0 ≤ r < 1); `fixed` keeps it.
 */
export function nextSeed(
  mode: SeedControlMode,
  current: number,
  range: { min?: number; max?: number },
  random: () => number = Math.random,
): number {
  const min = range.min ?? 0;
  const max = range.max ?? 2 ** 32 - 1;
  if (mode === 'fixed') return current;
  if (mode === 'increment') return current + 1 > max || current + 1 < min ? min : current + 1;
  return Math.min(max, min + Math.floor(random() * (max - min + 1)));
}

/**
 * Seed changes due after a run, as [node, input, value]: every INT input with a seed control
 * other than fixed and no link into it (from its literal value, or its default when unset).
 */
export function seedUpdates(
  doc: Doc,
  catalog: CatalogIndex,
  random: () => number = Math.random,
): Array<[string, string, number]> {
  const out: Array<[string, string, number]> = [];
  for (const [id, n] of Object.entries(doc.nodes)) {
    for (const [input, mode] of Object.entries(n.seedControl ?? {})) {
      const spec = catalog.get(n.type)?.inputs[input];
      if (mode === 'fixed' || !spec || spec.type !== 'INT') continue;
      if (doc.edges.some((e) => e.to.node === id && e.to.input === input)) continue; // fed by a link: no literal
      const v = n.values[input];
      const cur = typeof v === 'number' && Number.isFinite(v) ? v : spec.default;
      out.push([id, input, nextSeed(mode, cur, spec, random)]);
    }
  }
  return out;
}

export function setTitle(doc: Doc, node: string, title: string): void {
  const n = doc.nodes[node];
  if (!n) return;
  if (title.trim() === '') delete n.title;
  else n.title = title;
}

export function moveNodes(doc: Doc, positions: Record<string, XY>): void {
  for (const [id, p] of Object.entries(positions)) {
    const n = doc.nodes[id];
    if (n) n.position = { x: Math.round(p.x), y: Math.round(p.y) };
  }
}

export function removeItems(
  doc: Doc,
  nodes: readonly string[],
  edges: readonly string[],
  groups: readonly string[] = [],
): void {
  const gone = new Set(nodes);
  for (const id of nodes) delete doc.nodes[id];
  const edgeSet = new Set(edges);
  doc.edges = doc.edges.filter((e) => !edgeSet.has(e.id) && !gone.has(e.from.node) && !gone.has(e.to.node));
  if (doc.groups && groups.length > 0) {
    const g = new Set(groups);
    doc.groups = doc.groups.filter((x) => !g.has(x.id));
    if (doc.groups.length === 0) delete doc.groups;
  }
}

/** The socket type of an output / input, or undefined when the node or socket is unknown. */
export function outputType(
  catalog: CatalogIndex,
  doc: Doc,
  node: string,
  output: string,
): SocketType | undefined {
  const n = doc.nodes[node];
  return n ? catalog.get(n.type)?.outputs[output]?.type : undefined;
}
export function inputSpec(
  catalog: CatalogIndex,
  doc: Doc,
  node: string,
  input: string,
): InputSpec | undefined {
  const n = doc.nodes[node];
  return n ? catalog.get(n.type)?.inputs[input] : undefined;
}

export type CatalogIndex = ReadonlyMap<string, NodeCatalogEntry>;

export function indexCatalog(nodes: readonly NodeCatalogEntry[]): CatalogIndex {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** Whether an input shows a socket: link-only inputs always, widgets once exposed. */
export function hasSocket(spec: InputSpec, node: Pick<WorkflowNode, 'exposed'>, name: string): boolean {
  return !isWidgetType(spec.type) || (node.exposed?.includes(name) ?? false);
}

export interface ConnectCheck {
  ok: boolean;
  /** A sentence saying why the connection is refused. */
  reason?: string;
}

/** Whether `from.output` may feed `to.input`, with the reason when not. */
export function checkConnection(
  catalog: CatalogIndex,
  doc: Doc,
  from: { node: string; output: string },
  to: { node: string; input: string },
): ConnectCheck {
  if (from.node === to.node) return { ok: false, reason: 'A node cannot feed itself.' };
  const out = outputType(catalog, doc, from.node, from.output);
  const spec = inputSpec(catalog, doc, to.node, to.input);
  if (!out || !spec) return { ok: false, reason: 'Unknown socket.' };
  if (!socketCompatible(out, spec.type)) {
    const title = (id: string) => doc.nodes[id]?.title ?? catalog.get(doc.nodes[id]?.type ?? '')?.title ?? id;
    return {
      ok: false,
      reason: `Cannot connect ${out} output "${from.output}" of ${title(from.node)} to ${spec.type} input "${to.input}" of ${title(to.node)}.`,
    };
  }
  if (reaches(doc, to.node, from.node)) return { ok: false, reason: 'That connection would make a cycle.' };
  return { ok: true };
}

/** Whether `target` is downstream of (or equal to) `start`. */
function reaches(doc: Doc, start: string, target: string): boolean {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.from.node === id) stack.push(e.to.node);
  }
  return false;
}

/** Adds an edge, replacing any edge already feeding that input. Returns the new edge id. */
export function connect(
  doc: Doc,
  from: { node: string; output: string },
  to: { node: string; input: string },
): string {
  doc.edges = doc.edges.filter((e) => !(e.to.node === to.node && e.to.input === to.input));
  const taken = new Set(doc.edges.map((e) => e.id));
  let n = doc.edges.length + 1;
  while (taken.has(`e${n}`)) n++;
  const id = `e${n}`;
  const edge: WorkflowEdge = { id, from: { ...from }, to: { ...to } };
  doc.edges.push(edge);
  return id;
}

/** Turns a widget into an input socket (`exposed: true`) or back (dropping any edge into it). */
export function setExposed(doc: Doc, node: string, input: string, exposed: boolean): void {
  const n = doc.nodes[node];
  if (!n) return;
  const list = new Set(n.exposed ?? []);
  if (exposed) list.add(input);
  else {
    list.delete(input);
    doc.edges = doc.edges.filter((e) => !(e.to.node === node && e.to.input === input));
  }
  if (list.size === 0) delete n.exposed;
  else n.exposed = [...list].sort();
}

/**
 * Pastes a fragment (nodes + edges among them + groups) with fresh ids, offset by `offset`.
 * Returns the new node ids.
 */
export function pasteFragment(doc: Doc, fragment: Doc, offset: XY): { nodes: string[]; groups: string[] } {
  const rename = new Map<string, string>();
  for (const [oldId, node] of Object.entries(fragment.nodes)) {
    const id = freshId(oldId.replace(/_\d+$/, ''), (x) => x in doc.nodes);
    rename.set(oldId, id);
    doc.nodes[id] = {
      ...structuredClone(node),
      position: { x: Math.round(node.position.x + offset.x), y: Math.round(node.position.y + offset.y) },
    };
  }
  for (const e of fragment.edges) {
    const from = rename.get(e.from.node);
    const to = rename.get(e.to.node);
    if (from && to) connect(doc, { node: from, output: e.from.output }, { node: to, input: e.to.input });
  }
  const groups: string[] = [];
  for (const g of fragment.groups ?? []) {
    const id = freshId('group', (x) => (doc.groups ?? []).some((y) => y.id === x));
    (doc.groups ??= []).push({
      ...structuredClone(g),
      id,
      bounds: { ...g.bounds, x: g.bounds.x + offset.x, y: g.bounds.y + offset.y },
    });
    groups.push(id);
  }
  return { nodes: [...rename.values()], groups };
}

/** The part of `doc` made of `nodes` (and `groups`), with only the edges among those nodes. */
export function fragmentOf(doc: Doc, nodes: readonly string[], groups: readonly string[] = []): Doc {
  const set = new Set(nodes);
  const frag: Doc = { schemaVersion: 1, nodes: {}, edges: [] };
  for (const id of nodes) if (doc.nodes[id]) frag.nodes[id] = doc.nodes[id];
  frag.edges = doc.edges.filter((e) => set.has(e.from.node) && set.has(e.to.node));
  const gs = (doc.groups ?? []).filter((g) => groups.includes(g.id));
  if (gs.length > 0) frag.groups = gs;
  return frag;
}

export const GROUP_COLORS = ['#3f5a7a', '#4d6b3c', '#7a4a3f', '#6b4d7a', '#7a6a3f', '#3f7a72', '#555555'];

export function addGroup(doc: Doc, bounds: WorkflowGroup['bounds'], title = 'Group'): string {
  const id = freshId('group', (x) => (doc.groups ?? []).some((g) => g.id === x));
  (doc.groups ??= []).push({
    id,
    title,
    color: GROUP_COLORS[(doc.groups?.length ?? 0) % GROUP_COLORS.length],
    bounds,
  });
  return id;
}

export function updateGroup(doc: Doc, id: string, patch: Partial<Omit<WorkflowGroup, 'id'>>): void {
  const g = doc.groups?.find((x) => x.id === id);
  if (!g) return;
  if (patch.title !== undefined) g.title = patch.title;
  if (patch.color !== undefined) g.color = patch.color;
  if (patch.bounds) g.bounds = { ...patch.bounds };
}

/** Node ids whose top-left corner lies inside the group's bounds. */
export function nodesInGroup(doc: Doc, group: WorkflowGroup): string[] {
  const b = group.bounds;
  return Object.entries(doc.nodes)
    .filter(
      ([, n]) =>
        n.position.x >= b.x &&
        n.position.y >= b.y &&
        n.position.x < b.x + b.width &&
        n.position.y < b.y + b.height,
    )
    .map(([id]) => id);
}
