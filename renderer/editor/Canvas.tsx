/**
 * The node canvas of one tab: React Flow fed with nodes/edges derived from the tab's document.
 * Every change React Flow reports is turned into a document edit (one undo step per gesture) or
 * into transient state (drag positions, measured sizes, selection) that never enters history.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore as useFlowStore,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type NodeTypes,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type MouseEvent as ReactMouseEvent,
} from 'react';
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import { isWidgetType, SOCKET_COLORS } from '../../nodes/sdk/sockets';
import type { WorkflowProblem } from '../../workflows/problems';
import type { WorkflowGroup } from '../../workflows/schema';
import { catalogStore, useCatalog } from '../state/catalog-store';
import {
  addGroup,
  addNode,
  connect,
  emptyDocument,
  moveNodes,
  nodesInGroup,
  setExposed,
  updateGroup,
  type XY,
} from '../state/doc-ops';
import {
  editDoc,
  sealHistory,
  setSelection,
  setViewport,
  useEditor,
  type Selection,
} from '../state/editor-store';
import { importFile } from '../state/files';
import { deleteSelection } from '../state/selection-ops';
import { useUi } from '../state/ui-store';
import { CanvasContext, type CanvasContextValue } from './canvas-context';
import { registerCanvas, NODE_DND_TYPE } from './canvas-registry';
import { ConnectionLine } from './ConnectionLine';
import { useCanvasClipboard } from './canvas-clipboard';
import { useConnectionHandlers } from './canvas-connections';
import {
  deriveEdges,
  FlowNodeDeriver,
  groupIdOf,
  isGroupFlowId,
  type FlowNode,
  type Size,
} from './flow-derive';
import { GroupNode } from './GroupNode';
import { NodeSearch, type SearchRequest } from './NodeSearch';
import { StudioNode } from './StudioNode';
import { groupBoundsAround } from './group-bounds';
import { classifyNodeChanges, type GroupDrag } from './node-changes';

/** Defined once, outside components (React Flow warns otherwise). */
const nodeTypes: NodeTypes = { studio: StudioNode, studioGroup: GroupNode };
const SNAP: [number, number] = [10, 10];
const PRO = { hideAttribution: true };
const LOW_DETAIL_ZOOM = 0.45;
const EMPTY_DOC = emptyDocument();
const NO_SELECTION: Selection = { nodes: [], edges: [], groups: [] };
const NO_PROBLEMS: readonly WorkflowProblem[] = [];

function CanvasInner({ tabId }: { tabId: string }) {
  const tab = useEditor((s) => s.tabs.find((t) => t.id === tabId));
  const { index: catalog } = useCatalog();
  const snap = useUi((u) => u.snap);
  const showMinimap = useUi((u) => u.minimap);
  const rf = useReactFlow<FlowNode, Edge>();
  /** Zoomed far out, widgets are unreadable: they are hidden (layout kept) to keep panning smooth. */
  const lowDetail = useFlowStore((s) => s.transform[2] < LOW_DETAIL_ZOOM);
  const wrapper = useRef<HTMLDivElement>(null);

  const doc = tab?.history.doc ?? EMPTY_DOC;
  const docRef = useRef(doc);
  docRef.current = doc;
  const selection = tab?.selection ?? NO_SELECTION;
  const problems = tab?.problems ?? NO_PROBLEMS;

  const measured = useRef(new Map<string, Size>()).current;
  const [measureRev, setMeasureRev] = useState(0);
  const [dragging, setDragging] = useState<Record<string, XY>>({});
  const draggingRef = useRef(dragging);
  draggingRef.current = dragging;
  const groupDrags = useRef(new Map<string, GroupDrag>());
  const [groupBounds, setGroupBounds] = useState<Record<string, WorkflowGroup['bounds']>>({});
  const [search, setSearch] = useState<SearchRequest & { flow: XY }>();
  const deriver = useRef(new FlowNodeDeriver()).current;
  const edgeCache = useRef(new Map<string, Edge>()).current;
  const pointer = useRef<XY | undefined>(undefined);
  /** Fit the graph only when the tab opens without a saved viewport (not when its first node arrives). */
  const [fitOnOpen] = useState(() => !tab?.viewport && Object.keys(doc.nodes).length > 0);

  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedGroups = useMemo(() => new Set(selection.groups), [selection.groups]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);

  const nodes = useMemo(
    () =>
      deriver.derive({
        tabId,
        doc,
        catalog,
        selectedNodes,
        selectedGroups,
        problems,
        measured,
        dragging,
        groupBounds,
      }),
    // measureRev: the measured map is mutable; the counter says it changed
    [
      deriver,
      tabId,
      doc,
      catalog,
      selectedNodes,
      selectedGroups,
      problems,
      measured,
      measureRev,
      dragging,
      groupBounds,
    ],
  );
  const edges = useMemo(
    () => deriveEdges(doc, catalog, selectedEdges, edgeCache),
    [doc, catalog, selectedEdges, edgeCache],
  );

  // ---- changes from React Flow --------------------------------------------------------------

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const d = docRef.current;
      const r = classifyNodeChanges(changes, {
        measured,
        dragging: draggingRef.current,
        groupDrags: groupDrags.current,
        selection,
      });
      if (Object.keys(r.commits).length + Object.keys(r.groupCommits).length > 0) {
        editDoc(tabId, (draft) => {
          moveNodes(draft, r.commits);
          for (const [fid, p] of Object.entries(r.groupCommits)) {
            const g = d.groups?.find((x) => x.id === groupIdOf(fid));
            if (g)
              updateGroup(draft, g.id, { bounds: { ...g.bounds, x: Math.round(p.x), y: Math.round(p.y) } });
          }
        });
        for (const id of Object.keys(r.groupCommits)) groupDrags.current.delete(id);
      }
      if (r.dragging) setDragging(r.dragging);
      if (r.measured.size > 0) {
        for (const [id, size] of r.measured) measured.set(id, size);
        setMeasureRev((n) => n + 1);
      }
      if (r.selection) setSelection(tabId, r.selection);
    },
    [measured, selection, tabId],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let sel: Set<string> | undefined;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        sel ??= new Set(selection.edges);
        if (c.selected) sel.add(c.id);
        else sel.delete(c.id);
      }
      if (sel) setSelection(tabId, { edges: [...sel] });
    },
    [selection.edges, tabId],
  );

  const onNodeDragStart = useCallback((_e: unknown, _node: FlowNode, dragged: FlowNode[]) => {
    const d = docRef.current;
    const draggedIds = new Set(dragged.map((n) => n.id));
    groupDrags.current.clear();
    for (const n of dragged) {
      if (!isGroupFlowId(n.id)) continue;
      const g = d.groups?.find((x) => x.id === groupIdOf(n.id));
      if (!g) continue;
      const members = nodesInGroup(d, g)
        .filter((m) => !draggedIds.has(m))
        .map((m): [string, XY] => [m, d.nodes[m].position]);
      groupDrags.current.set(n.id, { start: { x: g.bounds.x, y: g.bounds.y }, members });
    }
  }, []);

  const onNodeDragStop = useCallback(() => {
    groupDrags.current.clear();
    sealHistory(tabId);
  }, [tabId]);

  const { isValidConnection, onConnect, onConnectEnd } = useConnectionHandlers(tabId, docRef, rf, setSearch);

  // ---- adding nodes -------------------------------------------------------------------------

  const addAt = useCallback(
    (entry: NodeCatalogEntry, flow: XY, link?: SearchRequest['link'], socket?: string) => {
      let created = '';
      editDoc(tabId, (d) => {
        created = addNode(d, entry, flow);
        if (link && socket) {
          const spec = entry.inputs[socket];
          if (link.from === 'output') {
            if (spec && isWidgetType(spec.type)) setExposed(d, created, socket, true);
            connect(d, { node: link.node, output: link.handle }, { node: created, input: socket });
          } else {
            connect(d, { node: created, output: socket }, { node: link.node, input: link.handle });
          }
        }
      });
      setSelection(tabId, { nodes: [created], edges: [], groups: [] });
    },
    [tabId],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(NODE_DND_TYPE) || e.dataTransfer.types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = e.dataTransfer.types.includes('Files') ? 'copy' : 'move';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(NODE_DND_TYPE);
      if (type) {
        e.preventDefault();
        const entry = catalogStore.get().index.get(type);
        if (entry) addAt(entry, rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
        return;
      }
      if (e.dataTransfer.files.length > 0) {
        e.preventDefault();
        for (const f of Array.from(e.dataTransfer.files)) void importFile(f);
      }
    },
    [addAt, rf],
  );

  const onDoubleClick = useCallback(
    (e: ReactMouseEvent) => {
      if (!(e.target as Element).classList.contains('react-flow__pane')) return;
      setSearch({
        screen: { x: e.clientX, y: e.clientY },
        flow: rf.screenToFlowPosition({ x: e.clientX, y: e.clientY }),
      });
    },
    [rf],
  );

  const groupSelection = useCallback(() => {
    const d = docRef.current;
    const ids = selection.nodes.filter((id) => d.nodes[id]);
    const vp = wrapper.current?.getBoundingClientRect();
    const center = vp
      ? rf.screenToFlowPosition({ x: vp.left + vp.width / 2, y: vp.top + vp.height / 2 })
      : { x: 0, y: 0 };
    const bounds = groupBoundsAround(d, ids, measured, center);
    let id = '';
    editDoc(tabId, (draft) => {
      id = addGroup(draft, bounds);
    });
    setSelection(tabId, { groups: [id] });
  }, [measured, rf, selection.nodes, tabId]);

  // register for the library / toolbar
  useEffect(() => {
    registerCanvas({
      tabId,
      addNodeAtCenter: (type) => {
        const entry = catalogStore.get().index.get(type);
        const r = wrapper.current?.getBoundingClientRect();
        if (!entry || !r) return;
        const jitter = (Object.keys(docRef.current.nodes).length % 5) * 24;
        addAt(
          entry,
          rf.screenToFlowPosition({
            x: r.left + r.width / 2 - 110 + jitter,
            y: r.top + r.height / 3 + jitter,
          }),
        );
      },
      fitView: () => void rf.fitView({ padding: 0.15, duration: 200 }),
      zoomIn: () => void rf.zoomIn({ duration: 150 }),
      zoomOut: () => void rf.zoomOut({ duration: 150 }),
      groupSelection,
      deleteSelection: () => {
        for (const id of deleteSelection(tabId)) measured.delete(id);
      },
    });
    return () => registerCanvas(undefined);
  }, [addAt, groupSelection, measured, rf, tabId]);

  useCanvasClipboard({ tabId, pointer, rf });

  const ctx = useMemo<CanvasContextValue>(
    () => ({
      tabId,
      doc: () => docRef.current,
      catalog: () => catalogStore.get().index,
      resizeGroup: (id, b) =>
        setGroupBounds((s) => {
          if (!b) {
            const { [id]: _, ...rest } = s;
            return rest;
          }
          return { ...s, [id]: b };
        }),
    }),
    [tabId],
  );

  if (!tab) return null;
  return (
    <CanvasContext.Provider value={ctx}>
      <div
        className={lowDetail ? 'canvas lod' : 'canvas'}
        ref={wrapper}
        data-testid="canvas"
        onDragOver={onDragOver}
        onDrop={onDrop}
        onDoubleClick={onDoubleClick}
        onPointerMove={(e) => {
          pointer.current = { x: e.clientX, y: e.clientY };
        }}
      >
        <ReactFlow<FlowNode, Edge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStart={onNodeDragStart}
          onNodeDragStop={onNodeDragStop}
          onConnect={onConnect}
          onConnectEnd={onConnectEnd}
          isValidConnection={isValidConnection}
          connectionLineComponent={ConnectionLine}
          defaultViewport={tab.viewport ?? { x: 0, y: 0, zoom: 1 }}
          fitView={fitOnOpen}
          fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
          onMoveEnd={(_, vp) => setViewport(tabId, vp)}
          snapToGrid={snap}
          snapGrid={SNAP}
          zoomOnDoubleClick={false}
          deleteKeyCode={null /* Delete/Backspace run the edit.delete command (commands/) */}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Control', 'Meta']}
          minZoom={0.1}
          maxZoom={3}
          colorMode="dark"
          proOptions={PRO}
          elevateEdgesOnSelect
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#3a3a3a" />
          <Controls showInteractive={false} position="bottom-left" />
          {showMinimap && (
            <MiniMap<FlowNode>
              pannable
              zoomable
              position="bottom-right"
              nodeColor={(n) => (n.type === 'studioGroup' ? 'rgba(90,110,140,0.25)' : minimapColor(n))}
              maskColor="rgba(10,10,10,0.6)"
              style={{ background: '#1b1b1b' }}
            />
          )}
        </ReactFlow>
        {Object.keys(doc.nodes).length === 0 && !doc.groups?.length && (
          <div className="canvas-empty">
            Drag a node from the library, double-click to search, open a template, or drop a workflow / video
            file here.
          </div>
        )}
        {search && (
          <NodeSearch
            request={search}
            onClose={() => setSearch(undefined)}
            onPick={(entry, socket) => {
              addAt(entry, search.flow, search.link, socket);
              setSearch(undefined);
            }}
          />
        )}
      </div>
    </CanvasContext.Provider>
  );
}

function minimapColor(n: FlowNode): string {
  if (n.type !== 'studio') return '#555';
  const out = n.data.entry ? Object.values(n.data.entry.outputs)[0] : undefined;
  return out ? SOCKET_COLORS[out.type] : '#777';
}

export function Canvas({ tabId }: { tabId: string }) {
  return (
    <ReactFlowProvider key={tabId}>
      <CanvasInner tabId={tabId} />
    </ReactFlowProvider>
  );
}
