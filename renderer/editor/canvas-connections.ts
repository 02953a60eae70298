/**
 * Linking sockets on the canvas: React Flow asks whether a link may be made (socket types via
 * socketCompatible, no cycles); a refused link shows its reason; a link dropped on empty canvas
 * opens the node search limited to nodes that accept it.
 */
import type {
  Connection,
  Edge,
  FinalConnectionState,
  IsValidConnection,
  OnConnectEnd,
  ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, type RefObject } from 'react';
import { catalogStore } from '../state/catalog-store';
import { checkConnection, connect, inputSpec, outputType, type Doc, type XY } from '../state/doc-ops';
import { editDoc } from '../state/editor-store';
import { toast } from '../state/toast-store';
import type { FlowNode } from './flow-derive';
import type { SearchRequest } from './NodeSearch';

export function useConnectionHandlers(
  tabId: string,
  docRef: RefObject<Doc>,
  rf: ReactFlowInstance<FlowNode, Edge>,
  setSearch: (s: SearchRequest & { flow: XY }) => void,
): { isValidConnection: IsValidConnection; onConnect: (c: Connection) => void; onConnectEnd: OnConnectEnd } {
  const isValidConnection: IsValidConnection = useCallback(
    (c) =>
      checkConnection(
        catalogStore.get().index,
        docRef.current,
        { node: c.source, output: c.sourceHandle ?? '' },
        { node: c.target, input: c.targetHandle ?? '' },
      ).ok,
    [],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const from = { node: c.source, output: c.sourceHandle ?? '' };
      const to = { node: c.target, input: c.targetHandle ?? '' };
      const check = checkConnection(catalogStore.get().index, docRef.current, from, to);
      if (!check.ok) return toast(check.reason ?? 'Those sockets cannot be connected.', 'error');
      editDoc(tabId, (d) => connect(d, from, to));
    },
    [tabId],
  );

  const onConnectEnd: OnConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const cat = catalogStore.get().index;
      const d = docRef.current;
      if (!state.fromHandle || !state.fromNode) return;
      const fromIsSource = state.fromHandle.type === 'source';
      if (state.toHandle && state.toNode && state.isValid === false) {
        if (state.toHandle.type === state.fromHandle.type) {
          toast(
            `Connect an output to an input (both ends are ${fromIsSource ? 'outputs' : 'inputs'}).`,
            'error',
          );
          return;
        }
        const src = fromIsSource
          ? { node: state.fromNode.id, output: state.fromHandle.id ?? '' }
          : { node: state.toNode.id, output: state.toHandle.id ?? '' };
        const dst = fromIsSource
          ? { node: state.toNode.id, input: state.toHandle.id ?? '' }
          : { node: state.fromNode.id, input: state.fromHandle.id ?? '' };
        const check = checkConnection(cat, d, src, dst);
        toast(check.reason ?? 'Those sockets cannot be connected.', 'error');
        return;
      }
      if (!state.toNode && !state.toHandle) {
        const target = (event as MouseEvent).target as Element | null;
        if (!target?.closest('.react-flow__pane')) return;
        const pt = 'changedTouches' in event ? event.changedTouches[0] : event;
        const type = fromIsSource
          ? outputType(cat, d, state.fromNode.id, state.fromHandle.id ?? '')
          : inputSpec(cat, d, state.fromNode.id, state.fromHandle.id ?? '')?.type;
        if (!type) return;
        setSearch({
          screen: { x: pt.clientX, y: pt.clientY },
          flow: rf.screenToFlowPosition({ x: pt.clientX, y: pt.clientY }),
          link: {
            node: state.fromNode.id,
            handle: state.fromHandle.id ?? '',
            from: fromIsSource ? 'output' : 'input',
            type,
          },
        });
      }
    },
    [rf],
  );

  return { isValidConnection, onConnect, onConnectEnd };
}
