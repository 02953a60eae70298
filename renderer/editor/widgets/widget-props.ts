/** What every widget receives, and how it writes its value (one undo step per (node, input) burst). */
import type { WidgetInputSpec } from '../../../nodes/sdk/define';
import { setValue } from '../../state/doc-ops';
import { editDoc, sealHistory } from '../../state/editor-store';

export interface WidgetProps<S extends WidgetInputSpec = WidgetInputSpec> {
  tabId: string;
  nodeId: string;
  name: string;
  label: string;
  spec: S;
  value: unknown;
}

export function writeValue(tabId: string, nodeId: string, name: string, value: unknown): void {
  editDoc(tabId, (d) => setValue(d, nodeId, name, value), `value:${nodeId}:${name}`);
}

export function endEdit(tabId: string): void {
  sealHistory(tabId);
}

export function clamp(v: number, min?: number, max?: number): number {
  if (min !== undefined && v < min) return min;
  if (max !== undefined && v > max) return max;
  return v;
}

/** Rounds to the step grid (from min or 0) and trims float noise. */
export function snapToStep(
  v: number,
  step: number | undefined,
  min: number | undefined,
  integer: boolean,
): number {
  let r = v;
  if (step && step > 0) {
    const base = min ?? 0;
    r = base + Math.round((v - base) / step) * step;
  }
  if (integer) return Math.round(r);
  return Number(r.toPrecision(12));
}
