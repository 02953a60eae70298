/**
 * A shareable copy of a workflow: local absolute paths removed. FILE inputs keep only the file
 * name; the node type's `folder` says where the receiver finds it (models by file name + folder
 * kind, as ComfyUI users share them).
 */
import { basename } from 'node:path';
import type { WorkflowDocument } from '../../workflows/schema';
import type { NodeRegistry } from '../engine/registry';

function fileName(p: string): string {
  return basename(p.replace(/\\/g, '/'));
}

export function shareableCopy(doc: WorkflowDocument, registry: NodeRegistry): WorkflowDocument {
  const nodes: WorkflowDocument['nodes'] = {};
  for (const [id, node] of Object.entries(doc.nodes)) {
    const def = registry.get(node.type);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node.values)) {
      values[k] = def?.inputs[k]?.type === 'FILE' && typeof v === 'string' ? fileName(v) : v;
    }
    nodes[id] = { ...node, values };
  }
  return { ...doc, nodes };
}
