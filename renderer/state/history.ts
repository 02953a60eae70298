/**
 * Undo/redo over document edits, as immer patches. Consecutive edits that carry the same merge
 * key (typing into one input, one drag) collapse into a single step until the history is sealed
 * (focus leaves the widget, the drag ends, another edit or an undo happens).
 */
import { applyPatches, enablePatches, produceWithPatches, type Patch } from 'immer';
import type { Doc } from './doc-ops';

enablePatches();

export interface HistoryStep {
  patches: Patch[];
  inverse: Patch[];
  key?: string;
}

export interface DocHistory {
  doc: Doc;
  past: readonly HistoryStep[];
  future: readonly HistoryStep[];
  /** When true the next edit starts a new step even if its key matches the last one. */
  sealed: boolean;
}

export const MAX_STEPS = 300;

export function initialHistory(doc: Doc): DocHistory {
  return { doc, past: [], future: [], sealed: true };
}

/** Applies `recipe` to the document; returns the same object when nothing changed. */
export function applyEdit(h: DocHistory, recipe: (draft: Doc) => void, key?: string): DocHistory {
  const [doc, patches, inverse] = produceWithPatches(h.doc, (d: Doc) => {
    recipe(d); // never return the recipe's result: immer would take it as a replacement document
  });
  if (patches.length === 0) return h;
  const last = h.past[h.past.length - 1];
  let past: HistoryStep[];
  if (key !== undefined && !h.sealed && last?.key === key) {
    past = [
      ...h.past.slice(0, -1),
      { patches: [...last.patches, ...patches], inverse: [...inverse, ...last.inverse], key },
    ];
  } else {
    past = [...h.past, { patches, inverse, ...(key !== undefined ? { key } : {}) }];
    if (past.length > MAX_STEPS) past = past.slice(past.length - MAX_STEPS);
  }
  return { doc, past, future: [], sealed: key === undefined };
}

export function undo(h: DocHistory): DocHistory {
  const step = h.past[h.past.length - 1];
  if (!step) return h;
  return {
    doc: applyPatches(h.doc, step.inverse),
    past: h.past.slice(0, -1),
    future: [step, ...h.future],
    sealed: true,
  };
}

export function redo(h: DocHistory): DocHistory {
  const step = h.future[0];
  if (!step) return h;
  return {
    doc: applyPatches(h.doc, step.patches),
    past: [...h.past, step],
    future: h.future.slice(1),
    sealed: true,
  };
}

export function seal(h: DocHistory): DocHistory {
  return h.sealed ? h : { ...h, sealed: true };
}
