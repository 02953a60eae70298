/** Commands on a tab's selection: select all, delete, duplicate, paste a fragment. */
import { fragmentOf, pasteFragment, removeItems, type Doc, type XY } from './doc-ops';
import { editDoc, getTab, setSelection } from './editor-store';

export function selectAll(tabId: string): void {
  const doc = getTab(tabId)?.history.doc;
  if (!doc) return;
  setSelection(tabId, { nodes: Object.keys(doc.nodes), groups: (doc.groups ?? []).map((g) => g.id) });
}

export function hasSelection(tabId: string): boolean {
  const s = getTab(tabId)?.selection;
  return !!s && s.nodes.length + s.edges.length + s.groups.length > 0;
}

/** Deletes the selected nodes, links and groups (one undo step). Returns the deleted node ids. */
export function deleteSelection(tabId: string): string[] {
  const tab = getTab(tabId);
  if (!tab || !hasSelection(tabId)) return [];
  const { nodes, edges, groups } = tab.selection;
  editDoc(tabId, (d) => removeItems(d, nodes, edges, groups));
  setSelection(tabId, { nodes: [], edges: [], groups: [] });
  return [...nodes];
}

function minCorner(doc: Doc): XY {
  let x = Infinity;
  let y = Infinity;
  for (const n of Object.values(doc.nodes)) {
    x = Math.min(x, n.position.x);
    y = Math.min(y, n.position.y);
  }
  for (const g of doc.groups ?? []) {
    x = Math.min(x, g.bounds.x);
    y = Math.min(y, g.bounds.y);
  }
  return Number.isFinite(x) ? { x, y } : { x: 0, y: 0 };
}

/** The selected nodes and groups (with the links among them), or undefined when none. */
export function selectionFragment(tabId: string): Doc | undefined {
  const tab = getTab(tabId);
  if (!tab || (tab.selection.nodes.length === 0 && tab.selection.groups.length === 0)) return undefined;
  return fragmentOf(tab.history.doc, tab.selection.nodes, tab.selection.groups);
}

/** Pastes a fragment with its top-left corner at `at` (or 40 px below-right of where it was) and selects it. */
export function pasteInto(tabId: string, frag: Doc, at?: XY): void {
  const corner = minCorner(frag);
  const offset = at ? { x: at.x - corner.x, y: at.y - corner.y } : { x: 40, y: 40 };
  let made: { nodes: string[]; groups: string[] } = { nodes: [], groups: [] };
  editDoc(tabId, (d) => {
    made = pasteFragment(d, frag, offset);
  });
  setSelection(tabId, { nodes: made.nodes, groups: made.groups, edges: [] });
}

export function duplicateSelection(tabId: string): void {
  const frag = selectionFragment(tabId);
  if (frag) pasteInto(tabId, frag);
}
