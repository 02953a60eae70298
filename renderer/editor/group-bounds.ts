/** The box a new group takes: around the given nodes (with room for the title), else at `center`. */
import type { WorkflowGroup } from '../../workflows/schema';
import type { Doc, XY } from '../state/doc-ops';
import type { Size } from './flow-derive';

export function groupBoundsAround(
  doc: Doc,
  ids: readonly string[],
  measured: ReadonlyMap<string, Size>,
  center: XY,
): WorkflowGroup['bounds'] {
  if (ids.length === 0)
    return { x: Math.round(center.x - 200), y: Math.round(center.y - 120), width: 400, height: 240 };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const id of ids) {
    const n = doc.nodes[id];
    if (!n) continue;
    const s = measured.get(id) ?? { width: 240, height: 120 };
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + s.width);
    y1 = Math.max(y1, n.position.y + s.height);
  }
  const pad = 20;
  return {
    x: Math.round(x0 - pad),
    y: Math.round(y0 - pad - 30),
    width: Math.round(x1 - x0 + 2 * pad),
    height: Math.round(y1 - y0 + 2 * pad + 30),
  };
}
