/**
 * Canvas keyboard commands and the system clipboard: undo/redo, select all, duplicate, group,
 * copy/paste of the selection as workflow JSON (pasted text goes through `workflow.import`, so
 * older or foreign documents are migrated the same way as opened files).
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { useEffect, type RefObject } from 'react';
import { saveWorkflow } from '../../workflows/canonical';
import { api } from '../bridge/api';
import { fragmentOf, pasteFragment, type Doc, type XY } from '../state/doc-ops';
import { editDoc, getTab, redoDoc, sealHistory, setSelection, undoDoc } from '../state/editor-store';
import { fileToBase64 } from '../state/files';
import { toast } from '../state/toast-store';
import type { FlowNode, Size } from './flow-derive';
import type { Edge } from '@xyflow/react';

export function isEditable(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable;
}

interface Options {
  tabId: string;
  docRef: RefObject<Doc>;
  pointer: RefObject<XY | undefined>;
  rf: ReactFlowInstance<FlowNode, Edge>;
  measured: ReadonlyMap<string, Size>;
  groupSelection: () => void;
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

export function useCanvasKeys(o: Options): void {
  const { tabId, docRef, pointer, rf, groupSelection } = o;
  useEffect(() => {
    const selectionFragment = (): Doc | undefined => {
      const tab = getTab(tabId);
      if (!tab || (tab.selection.nodes.length === 0 && tab.selection.groups.length === 0)) return undefined;
      return fragmentOf(docRef.current, tab.selection.nodes, tab.selection.groups);
    };
    const pasteAt = (frag: Doc, at: XY | undefined) => {
      const corner = minCorner(frag);
      const offset = at ? { x: at.x - corner.x, y: at.y - corner.y } : { x: 40, y: 40 };
      let made: { nodes: string[]; groups: string[] } = { nodes: [], groups: [] };
      editDoc(tabId, (d) => {
        made = pasteFragment(d, frag, offset);
      });
      setSelection(tabId, { nodes: made.nodes, groups: made.groups, edges: [] });
    };

    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const key = e.key.toLowerCase();
      const editable = isEditable(document.activeElement);
      if (key === 'z' || key === 'y') {
        e.preventDefault();
        sealHistory(tabId);
        if (key === 'y' || e.shiftKey) redoDoc(tabId);
        else undoDoc(tabId);
        return;
      }
      if (editable) return;
      if (key === 'a') {
        e.preventDefault();
        setSelection(tabId, { nodes: Object.keys(docRef.current.nodes), groups: (docRef.current.groups ?? []).map((g) => g.id) });
      } else if (key === 'd') {
        e.preventDefault();
        const frag = selectionFragment();
        if (frag) pasteAt(frag, undefined);
      } else if (key === 'g') {
        e.preventDefault();
        groupSelection();
      }
    };

    const onCopy = (e: ClipboardEvent) => {
      if (isEditable(document.activeElement)) return;
      const frag = selectionFragment();
      if (!frag || !e.clipboardData) return;
      e.clipboardData.setData('text/plain', saveWorkflow(frag));
      e.preventDefault();
    };
    const onCut = (e: ClipboardEvent) => {
      if (isEditable(document.activeElement)) return;
      const tab = getTab(tabId);
      onCopy(e);
      if (tab && e.defaultPrevented) {
        editDoc(tabId, (d) => {
          for (const id of tab.selection.nodes) delete d.nodes[id];
          d.edges = d.edges.filter((x) => d.nodes[x.from.node] && d.nodes[x.to.node]);
        });
      }
    };
    const onPaste = (e: ClipboardEvent) => {
      if (isEditable(document.activeElement)) return;
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (!text.trim().startsWith('{')) return;
      e.preventDefault();
      const at = pointer.current ? rf.screenToFlowPosition(pointer.current) : undefined;
      void (async () => {
        try {
          const r = await api()['workflow.import']({ name: 'clipboard.json', base64: await fileToBase64(new Blob([text])) });
          if ('problems' in r) return toast(`Cannot paste: ${r.problems[0]?.message ?? 'not a workflow'}`, 'error');
          pasteAt(r.doc, at);
        } catch (err) {
          toast(`Cannot paste: ${(err as Error).message}`, 'error');
        }
      })();
    };
    window.addEventListener('keydown', onKey);
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [docRef, groupSelection, pointer, rf, tabId]);
}
