/**
 * React Flow's nodes and edges, derived from the workflow document (never saved). Objects are
 * reused while their inputs are unchanged, so memoised node components skip re-rendering. React
 * Flow's measured sizes and in-flight drag positions live in plain mutable maps outside the
 * frozen document.
 */
import type { Edge, Node } from '@xyflow/react';
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import { SOCKET_COLORS } from '../../nodes/sdk/sockets';
import type { WorkflowProblem } from '../../workflows/problems';
import type { WorkflowGroup, WorkflowNode } from '../../workflows/schema';
import type { CatalogIndex, Doc, XY } from '../state/doc-ops';

export const GROUP_PREFIX = 'grp/';
export const groupFlowId = (id: string): string => GROUP_PREFIX + id;
export const isGroupFlowId = (id: string): boolean => id.startsWith(GROUP_PREFIX);
export const groupIdOf = (flowId: string): string => flowId.slice(GROUP_PREFIX.length);

export interface StudioNodeData extends Record<string, unknown> {
  tabId: string;
  nodeId: string;
  node: WorkflowNode;
  entry: NodeCatalogEntry | undefined;
  problems: readonly WorkflowProblem[];
  /** Inputs fed by an edge (their widgets are hidden). */
  linked: readonly string[];
}

export interface GroupNodeData extends Record<string, unknown> {
  tabId: string;
  group: WorkflowGroup;
}

export type StudioFlowNode = Node<StudioNodeData, 'studio'>;
export type GroupFlowNode = Node<GroupNodeData, 'studioGroup'>;
export type FlowNode = StudioFlowNode | GroupFlowNode;

export interface Size {
  width: number;
  height: number;
}

export interface DeriveInput {
  tabId: string;
  doc: Doc;
  catalog: CatalogIndex;
  selectedNodes: ReadonlySet<string>;
  selectedGroups: ReadonlySet<string>;
  problems: readonly WorkflowProblem[];
  measured: ReadonlyMap<string, Size>;
  dragging: Readonly<Record<string, XY>>;
  /** Group bounds while a group is being resized. */
  groupBounds: Readonly<Record<string, WorkflowGroup['bounds']>>;
}

interface CacheEntry {
  key: unknown[];
  node: FlowNode;
}

const EMPTY: readonly never[] = Object.freeze([]);

function sameKey(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

/** Derives flow nodes, reusing the previous objects where nothing they show changed. */
export class FlowNodeDeriver {
  private cache = new Map<string, CacheEntry>();

  derive(inp: DeriveInput): FlowNode[] {
    const next = new Map<string, CacheEntry>();
    const out: FlowNode[] = [];
    const problemsByNode = new Map<string, WorkflowProblem[]>();
    for (const p of inp.problems)
      if (p.node) (problemsByNode.get(p.node) ?? problemsByNode.set(p.node, []).get(p.node)!).push(p);
    const linkedByNode = new Map<string, string[]>();
    for (const e of inp.doc.edges)
      (linkedByNode.get(e.to.node) ?? linkedByNode.set(e.to.node, []).get(e.to.node)!).push(e.to.input);

    for (const g of inp.doc.groups ?? []) {
      const fid = groupFlowId(g.id);
      const b = inp.groupBounds[g.id] ?? g.bounds;
      const pos = inp.dragging[fid] ?? { x: b.x, y: b.y };
      const selected = inp.selectedGroups.has(g.id);
      const key = [g, pos.x, pos.y, selected, b.width, b.height];
      const prev = this.cache.get(fid);
      if (prev && sameKey(prev.key, key)) {
        next.set(fid, prev);
        out.push(prev.node);
        continue;
      }
      const node: GroupFlowNode = {
        id: fid,
        type: 'studioGroup',
        position: pos,
        data: { tabId: inp.tabId, group: g },
        selected,
        zIndex: -1,
        width: b.width,
        height: b.height,
        measured: { width: b.width, height: b.height },
        dragHandle: '.grp-title',
        className: 'grp-node',
      };
      next.set(fid, { key, node });
      out.push(node);
    }

    for (const [id, n] of Object.entries(inp.doc.nodes)) {
      const pos = inp.dragging[id] ?? n.position;
      const selected = inp.selectedNodes.has(id);
      const m = inp.measured.get(id);
      const entry = inp.catalog.get(n.type);
      const problems = problemsByNode.get(id) ?? EMPTY;
      const linked = linkedByNode.get(id) ?? EMPTY;
      const prev = this.cache.get(id);
      const prevLinked = prev ? (prev.node.data as StudioNodeData).linked : undefined;
      const linkedStable =
        prevLinked && prevLinked.length === linked.length && prevLinked.every((x, i) => x === linked[i])
          ? prevLinked
          : linked;
      const key = [
        n,
        pos.x,
        pos.y,
        selected,
        m?.width,
        m?.height,
        entry,
        problems.length === 0 ? EMPTY : problems,
        linkedStable,
      ];
      if (prev && sameKey(prev.key, key)) {
        next.set(id, prev);
        out.push(prev.node);
        continue;
      }
      // keep `data` (what the memoised component renders) when only position/size/selection moved
      const pd = prev?.node.data as StudioNodeData | undefined;
      const data: StudioNodeData =
        pd &&
        pd.node === n &&
        pd.entry === entry &&
        pd.problems === (problems.length === 0 ? pd.problems : problems) &&
        pd.linked === linkedStable &&
        pd.tabId === inp.tabId
          ? pd
          : { tabId: inp.tabId, nodeId: id, node: n, entry, problems, linked: linkedStable };
      const node: StudioFlowNode = {
        id,
        type: 'studio',
        position: pos,
        data,
        selected,
        ...(m ? { measured: { width: m.width, height: m.height } } : {}),
        ...(n.size ? { width: n.size.width } : {}),
      };
      next.set(id, { key, node });
      out.push(node);
    }
    this.cache = next;
    return out;
  }
}

export function deriveEdges(
  doc: Doc,
  catalog: CatalogIndex,
  selected: ReadonlySet<string>,
  prev: Map<string, Edge>,
): Edge[] {
  const out: Edge[] = [];
  for (const e of doc.edges) {
    const fromType = doc.nodes[e.from.node]
      ? catalog.get(doc.nodes[e.from.node].type)?.outputs[e.from.output]?.type
      : undefined;
    const color = fromType ? SOCKET_COLORS[fromType] : '#888';
    const sel = selected.has(e.id);
    const old = prev.get(e.id);
    if (
      old &&
      old.source === e.from.node &&
      old.sourceHandle === e.from.output &&
      old.target === e.to.node &&
      old.targetHandle === e.to.input &&
      old.selected === sel &&
      old.style?.stroke === color
    ) {
      out.push(old);
      continue;
    }
    const edge: Edge = {
      id: e.id,
      source: e.from.node,
      sourceHandle: e.from.output,
      target: e.to.node,
      targetHandle: e.to.input,
      selected: sel,
      style: { stroke: color, strokeWidth: sel ? 3 : 2 },
      className: 'studio-edge',
    };
    prev.set(e.id, edge);
    out.push(edge);
  }
  return out;
}
