/**
 * What a batch of React Flow node changes means for the editor, as a pure function: measured
 * sizes to remember, in-flight drag positions (transient, never in history), positions to commit
 * to the document when a drag ends (a dragged group carries its member nodes along), and the new
 * selection. The canvas applies the result.
 */
import type { NodeChange } from '@xyflow/react';
import type { XY } from '../state/doc-ops';
import { groupIdOf, isGroupFlowId, type FlowNode, type Size } from './flow-derive';

/** A group being dragged: where it started and the member nodes that move with it. */
export interface GroupDrag {
  start: XY;
  members: Array<[string, XY]>;
}

export interface NodeChangeState {
  measured: ReadonlyMap<string, Size>;
  /** In-flight drag positions by flow id. */
  dragging: Readonly<Record<string, XY>>;
  groupDrags: ReadonlyMap<string, GroupDrag>;
  selection: { nodes: readonly string[]; groups: readonly string[] };
}

export interface NodeChangeResult {
  /** Newly measured sizes (only those that differ). */
  measured: Map<string, Size>;
  /** Drag positions after this batch, or undefined when unchanged. */
  dragging: Record<string, XY> | undefined;
  /** Node positions to write to the document (drag ended). */
  commits: Record<string, XY>;
  /** Group flow ids → their new top-left (drag ended). */
  groupCommits: Record<string, XY>;
  /** The new selection, when any select change came in. */
  selection: { nodes: string[]; groups: string[] } | undefined;
}

export function classifyNodeChanges(
  changes: NodeChange<FlowNode>[],
  state: NodeChangeState,
): NodeChangeResult {
  const measured = new Map<string, Size>();
  const pending = { ...state.dragging };
  const commits: Record<string, XY> = {};
  const groupCommits: Record<string, XY> = {};
  let dragChanged = false;
  let sel: { nodes: Set<string>; groups: Set<string> } | undefined;
  for (const c of changes) {
    if (c.type === 'dimensions' && c.dimensions && !isGroupFlowId(c.id)) {
      const old = state.measured.get(c.id);
      if (!old || old.width !== c.dimensions.width || old.height !== c.dimensions.height)
        measured.set(c.id, { width: c.dimensions.width, height: c.dimensions.height });
    } else if (c.type === 'position' && c.position) {
      // a group's resizer reports positions without `dragging`: its onResize/onResizeEnd handle those
      if (c.dragging === undefined && isGroupFlowId(c.id)) continue;
      const gd = isGroupFlowId(c.id) ? state.groupDrags.get(c.id) : undefined;
      const target = c.dragging ? pending : isGroupFlowId(c.id) ? groupCommits : commits;
      if (c.dragging) dragChanged = true;
      target[c.id] = c.position;
      if (gd) {
        const dx = c.position.x - gd.start.x;
        const dy = c.position.y - gd.start.y;
        for (const [m, p] of gd.members) (c.dragging ? pending : commits)[m] = { x: p.x + dx, y: p.y + dy };
      }
    } else if (c.type === 'select') {
      sel ??= { nodes: new Set(state.selection.nodes), groups: new Set(state.selection.groups) };
      const set = isGroupFlowId(c.id) ? sel.groups : sel.nodes;
      const id = isGroupFlowId(c.id) ? groupIdOf(c.id) : c.id;
      if (c.selected) set.add(id);
      else set.delete(id);
    }
  }
  const committed = Object.keys(commits).length + Object.keys(groupCommits).length > 0;
  for (const id of [...Object.keys(commits), ...Object.keys(groupCommits)]) delete pending[id];
  return {
    measured,
    dragging: committed || dragChanged ? pending : undefined,
    commits,
    groupCommits,
    selection: sel ? { nodes: [...sel.nodes], groups: [...sel.groups] } : undefined,
  };
}
