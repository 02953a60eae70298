/**
 * The canvas and the system clipboard: copy/cut the selection as workflow JSON, paste at the
 * pointer (pasted text goes through `workflow.import`, so older or foreign documents are migrated
 * the same way as opened files). Key commands (undo, delete, duplicate...) are in commands/.
 */
import type { Edge, ReactFlowInstance } from '@xyflow/react';
import { useEffect, type RefObject } from 'react';
import { saveWorkflow } from '../../workflows/canonical';
import { api } from '../bridge/api';
import { isEditable } from '../commands/command-table';
import type { XY } from '../state/doc-ops';
import { editDoc, getTab } from '../state/editor-store';
import { fileToBase64 } from '../state/files';
import { pasteInto, selectionFragment } from '../state/selection-ops';
import { toast } from '../state/toast-store';
import type { FlowNode } from './flow-derive';

interface Options {
  tabId: string;
  pointer: RefObject<XY | undefined>;
  rf: ReactFlowInstance<FlowNode, Edge>;
}

export function useCanvasClipboard(o: Options): void {
  const { tabId, pointer, rf } = o;
  useEffect(() => {
    const onCopy = (e: ClipboardEvent) => {
      if (isEditable(document.activeElement)) return;
      const frag = selectionFragment(tabId);
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
          const r = await api()['workflow.import']({
            name: 'clipboard.json',
            base64: await fileToBase64(new Blob([text])),
          });
          if ('problems' in r)
            return toast(`Cannot paste: ${r.problems[0]?.message ?? 'not a workflow'}`, 'error');
          pasteInto(tabId, r.doc, at);
        } catch (err) {
          toast(`Cannot paste: ${(err as Error).message}`, 'error');
        }
      })();
    };
    document.addEventListener('copy', onCopy);
    document.addEventListener('cut', onCut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('cut', onCut);
      document.removeEventListener('paste', onPaste);
    };
  }, [pointer, rf, tabId]);
}
