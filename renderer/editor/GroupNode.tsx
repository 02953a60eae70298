/** A titled, coloured group box; dragging its title moves the nodes inside it. */
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo, useState } from 'react';
import { GROUP_COLORS, updateGroup } from '../state/doc-ops';
import { editDoc } from '../state/editor-store';
import { useCanvas } from './canvas-context';
import type { GroupFlowNode } from './flow-derive';

export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<GroupFlowNode>) {
  const { tabId, group } = data;
  const canvas = useCanvas();
  const [editing, setEditing] = useState(false);
  const color = group.color ?? GROUP_COLORS[0];
  return (
    <div
      className={`grp${selected ? ' selected' : ''}`}
      style={{ borderColor: color, background: `${color}33` }}
      data-testid={`group-${group.id}`}
    >
      <NodeResizer
        isVisible={selected ?? false}
        minWidth={120}
        minHeight={80}
        color={color}
        onResize={(_, p) =>
          canvas.resizeGroup(group.id, { x: p.x, y: p.y, width: p.width, height: p.height })
        }
        onResizeEnd={(_, p) => {
          canvas.resizeGroup(group.id, undefined);
          editDoc(tabId, (d) =>
            updateGroup(d, group.id, {
              bounds: {
                x: Math.round(p.x),
                y: Math.round(p.y),
                width: Math.round(p.width),
                height: Math.round(p.height),
              },
            }),
          );
        }}
      />
      <div className="grp-title" style={{ background: color }} onDoubleClick={() => setEditing(true)}>
        {editing ? (
          <input
            className="nodrag"
            autoFocus
            defaultValue={group.title}
            onBlur={(e) => {
              setEditing(false);
              if (e.target.value !== group.title)
                editDoc(tabId, (d) => updateGroup(d, group.id, { title: e.target.value }));
            }}
            onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
          />
        ) : (
          <span>{group.title}</span>
        )}
        {selected && (
          <span className="grp-colors nodrag">
            {GROUP_COLORS.map((c) => (
              <button
                key={c}
                className="grp-swatch"
                style={{ background: c }}
                title={`Colour ${c}`}
                onClick={() => editDoc(tabId, (d) => updateGroup(d, group.id, { color: c }))}
              />
            ))}
          </span>
        )}
      </div>
    </div>
  );
});
