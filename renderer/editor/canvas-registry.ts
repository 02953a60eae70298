/** The canvas currently shown, for commands issued from outside it (library clicks, toolbar). */
export interface CanvasHandle {
  tabId: string;
  /** Adds a node of `type` at the centre of the view. */
  addNodeAtCenter(type: string): void;
  fitView(): void;
  zoomIn(): void;
  zoomOut(): void;
  groupSelection(): void;
  /** Deletes the selection (and forgets the deleted nodes' measured sizes). */
  deleteSelection(): void;
}

let current: CanvasHandle | undefined;

export function registerCanvas(h: CanvasHandle | undefined): void {
  current = h;
}

export function activeCanvas(): CanvasHandle | undefined {
  return current;
}

/** The dataTransfer type carrying a node type id dragged from the library. */
export const NODE_DND_TYPE = 'application/x-wan-studio-node';
