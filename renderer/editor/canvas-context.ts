/** What custom nodes / the connection line need from the canvas, without prop drilling. */
import { createContext, useContext } from 'react';
import type { WorkflowGroup } from '../../workflows/schema';
import type { CatalogIndex, Doc } from '../state/doc-ops';

export interface CanvasContextValue {
  tabId: string;
  /** The current document, read lazily (a ref) so the context value stays stable. */
  doc(): Doc;
  catalog(): CatalogIndex;
  /** Bounds of a group while it is being resized (undefined clears). */
  resizeGroup(id: string, bounds: WorkflowGroup['bounds'] | undefined): void;
}

export const CanvasContext = createContext<CanvasContextValue | null>(null);

export function useCanvas(): CanvasContextValue {
  const c = useContext(CanvasContext);
  if (!c) throw new Error('useCanvas outside the canvas');
  return c;
}
