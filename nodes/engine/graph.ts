/**
 * An indexed view of a workflow document for the validator, the planner and the run loop:
 * each node with its definition and its values after `upgrade`, and the edge feeding each input.
 */
import type { NodeDef } from '../sdk/define';
import type { WorkflowDocument, WorkflowNode } from '../../workflows/schema';
import type { NodeRegistry } from './registry';

export interface Link {
  from: string;
  output: string;
  edge: string;
  edgeIndex: number;
}

export interface GraphNode {
  id: string;
  /** Position in the document's `nodes` record: the tie-breaker that keeps orders stable. */
  index: number;
  node: WorkflowNode;
  /** Undefined when the type is not registered. */
  def: NodeDef | undefined;
  /** The saved values, passed through the definition's `upgrade` when the node is older. */
  values: Record<string, unknown>;
  /** The first edge into each input (later ones are `duplicate_link` problems). */
  links: Map<string, Link>;
  /** Set when `upgrade` threw. */
  upgradeError?: string;
}

export interface Graph {
  nodes: Map<string, GraphNode>;
  /** Node ids in document order. */
  ids: string[];
  /** Every edge into each (node, input), including duplicates: key `node\0input`. */
  incoming: Map<string, Link[]>;
}

export function inputKey(node: string, input: string): string {
  return node + '\0' + input;
}

export function buildGraph(doc: WorkflowDocument, registry: NodeRegistry): Graph {
  const nodes = new Map<string, GraphNode>();
  const ids = Object.keys(doc.nodes);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const node = doc.nodes[id];
    const def = registry.get(node.type);
    let values = node.values ?? {};
    let upgradeError: string | undefined;
    if (def?.upgrade && node.version < def.version) {
      try {
        const out = def.upgrade(structuredClone(values), node.version);
        if (out === null || typeof out !== 'object' || Array.isArray(out)) {
          throw new Error('the upgrade did not return an object of values');
        }
        values = out;
      } catch (err) {
        upgradeError = err instanceof Error ? err.message : String(err);
      }
    }
    nodes.set(id, { id, index: i, node, def, values, links: new Map(), upgradeError });
  }
  const incoming = new Map<string, Link[]>();
  doc.edges.forEach((e, edgeIndex) => {
    const link: Link = { from: e.from.node, output: e.from.output, edge: e.id, edgeIndex };
    const key = inputKey(e.to.node, e.to.input);
    const list = incoming.get(key);
    if (list) list.push(link);
    else incoming.set(key, [link]);
    const target = nodes.get(e.to.node);
    if (target && !target.links.has(e.to.input)) target.links.set(e.to.input, link);
  });
  return { nodes, ids, incoming };
}

/** `Node "id" (type)`, the prefix of every node-level message. */
export function nodeLabel(g: { id: string; node: WorkflowNode }): string {
  return `Node "${g.id}" (${g.node.type})`;
}
