/**
 * One workflow node on the canvas: title with run state, typed sockets (coloured per type), then
 * the widgets of its literal inputs. Memoised; reads its run state from the run store itself so
 * progress events re-render only the node concerned.
 */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import type { InputSpec, OutputSpec, WidgetInputSpec } from '../../nodes/sdk/define';
import { isWidgetType, SOCKET_COLORS } from '../../nodes/sdk/sockets';
import { fileUrl } from '../bridge/api';
import { setExposed, setTitle } from '../state/doc-ops';
import { editDoc } from '../state/editor-store';
import { useNodeRunState, useRuns, type NodeRunState } from '../state/run-store';
import type { StudioFlowNode } from './flow-derive';
import { Widget } from './widgets/Widget';

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function statusText(st: NodeRunState): string {
  switch (st.phase) {
    case 'queued':
      return st.message ?? 'queued';
    case 'running':
      return st.total ? `${st.step ?? 0}/${st.total}` : 'running';
    case 'cached':
      return 'cached';
    case 'done':
      return formatMs(st.ms ?? 0);
    case 'error':
      return 'error';
  }
}

function usePreviewImage(tabId: string, nodeId: string): string | undefined {
  return useRuns((s) => {
    const runId = s.lastByTab[tabId];
    const outs = runId ? s.runs[runId]?.outputs : undefined;
    if (!outs) return undefined;
    for (let i = outs.length - 1; i >= 0; i--)
      if (outs[i].node === nodeId && outs[i].kind === 'image') return outs[i].path;
    return undefined;
  });
}

const SocketRow = memo(function SocketRow(props: {
  nodeId: string;
  tabId: string;
  input?: [string, InputSpec, boolean];
  output?: [string, OutputSpec];
}) {
  const { nodeId, tabId, input, output } = props;
  return (
    <div className="sn-slot-row">
      <div className="sn-slot in">
        {input && (
          <>
            <Handle
              type="target"
              position={Position.Left}
              id={input[0]}
              className="sn-handle"
              style={{ background: SOCKET_COLORS[input[1].type] }}
              data-testid={`in-${nodeId}-${input[0]}`}
              data-socket-type={input[1].type}
              title={`${input[0]}: ${input[1].type}`}
            />
            <span className="sn-slot-label">{input[1].label ?? input[0]}</span>
            {input[2] && (
              <button
                className="sn-unexpose nodrag"
                title="Turn back into a widget"
                data-testid={`unexpose-${nodeId}-${input[0]}`}
                onClick={() => editDoc(tabId, (d) => setExposed(d, nodeId, input[0], false))}
              >
                ⟲
              </button>
            )}
          </>
        )}
      </div>
      <div className="sn-slot out">
        {output && (
          <>
            <span className="sn-slot-label">{output[1].label ?? output[0]}</span>
            <Handle
              type="source"
              position={Position.Right}
              id={output[0]}
              className="sn-handle"
              style={{ background: SOCKET_COLORS[output[1].type] }}
              data-testid={`out-${nodeId}-${output[0]}`}
              data-socket-type={output[1].type}
              title={`${output[0]}: ${output[1].type}`}
            />
          </>
        )}
      </div>
    </div>
  );
});

function Title({ tabId, nodeId, title }: { tabId: string; nodeId: string; title: string }) {
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <input
        className="sn-title-input nodrag"
        autoFocus
        defaultValue={title}
        onBlur={(e) => {
          setEditing(false);
          if (e.target.value !== title) editDoc(tabId, (d) => setTitle(d, nodeId, e.target.value));
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') setEditing(false);
        }}
      />
    );
  }
  return (
    <span
      className="sn-title-text"
      onDoubleClick={(e) => (e.stopPropagation(), setEditing(true))}
      title="Double-click to rename"
    >
      {title}
    </span>
  );
}

export const StudioNode = memo(function StudioNode({ id, data, selected }: NodeProps<StudioFlowNode>) {
  const { tabId, node, entry, problems, linked } = data;
  const run = useNodeRunState(tabId, id);
  const preview = usePreviewImage(tabId, id);

  if (!entry) {
    return (
      <div className="sn sn-unknown has-problem" data-testid={`node-${id}`}>
        <div className="sn-title">
          <span className="sn-title-text">{node.title ?? node.type}</span>
        </div>
        <div className="sn-problem">Unknown node type “{node.type}”.</div>
      </div>
    );
  }

  const exposed = node.exposed ?? [];
  const slotInputs: Array<[string, InputSpec, boolean]> = [];
  const widgets: Array<[string, WidgetInputSpec]> = [];
  for (const [name, spec] of Object.entries(entry.inputs)) {
    if (!isWidgetType(spec.type)) slotInputs.push([name, spec, false]);
    else if (exposed.includes(name) || linked.includes(name)) slotInputs.push([name, spec, true]);
    else widgets.push([name, spec as WidgetInputSpec]);
  }
  const outputs = Object.entries(entry.outputs);
  const rows = Math.max(slotInputs.length, outputs.length);
  const phase = run?.phase;
  const cls = [
    'sn',
    phase ? `phase-${phase}` : '',
    problems.length > 0 ? 'has-problem' : '',
    selected ? 'selected' : '',
    entry.output ? 'is-output' : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      className={cls}
      data-testid={`node-${id}`}
      data-node-type={node.type}
      data-phase={phase ?? ''}
      title={entry.description}
    >
      <div className="sn-title">
        <Title tabId={tabId} nodeId={id} title={node.title ?? entry.title} />
        {run && (
          <span className={`sn-status ${run.phase}`} data-testid={`node-status-${id}`}>
            {statusText(run)}
          </span>
        )}
      </div>
      {run?.phase === 'running' && run.total ? (
        <div className="sn-progress">
          <div style={{ width: `${(100 * (run.step ?? 0)) / run.total}%` }} />
        </div>
      ) : null}
      <div className="sn-body">
        {Array.from({ length: rows }, (_, i) => (
          <SocketRow key={i} nodeId={id} tabId={tabId} input={slotInputs[i]} output={outputs[i]} />
        ))}
        {widgets.map(([name, spec]) => (
          <div className="sn-widget" key={name}>
            <button
              className="sn-expose nodrag"
              title="Turn into an input socket"
              data-testid={`expose-${id}-${name}`}
              style={{ borderColor: SOCKET_COLORS[spec.type] }}
              onClick={() => editDoc(tabId, (d) => setExposed(d, id, name, true))}
            />
            <Widget
              tabId={tabId}
              nodeId={id}
              name={name}
              label={spec.label ?? name}
              spec={spec}
              value={node.values[name]}
            />
          </div>
        ))}
      </div>
      {preview && (
        <div className="sn-preview">
          <img src={fileUrl(preview)} alt="preview" data-testid={`node-preview-${id}`} />
        </div>
      )}
      {run?.phase === 'error' && run.message && <div className="sn-problem">{run.message}</div>}
      {problems.map((p, i) => (
        <div className="sn-problem" key={i} data-testid={`problem-${id}`}>
          {p.message}
        </div>
      ))}
    </div>
  );
});
