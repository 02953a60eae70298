/** The line drawn while dragging a link: coloured by socket type, red with the reason when refused. */
import { getBezierPath, type ConnectionLineComponentProps } from '@xyflow/react';
import { SOCKET_COLORS } from '../../nodes/sdk/sockets';
import { checkConnection, outputType, inputSpec } from '../state/doc-ops';
import { useCanvas } from './canvas-context';

export function ConnectionLine(props: ConnectionLineComponentProps) {
  const { fromX, fromY, toX, toY, fromPosition, toPosition, fromHandle, toHandle, fromNode, toNode } = props;
  const canvas = useCanvas();
  const doc = canvas.doc();
  const catalog = canvas.catalog();
  const fromIsSource = fromHandle.type === 'source';
  const fromType = fromIsSource
    ? outputType(catalog, doc, fromNode.id, fromHandle.id ?? '')
    : inputSpec(catalog, doc, fromNode.id, fromHandle.id ?? '')?.type;
  let reason: string | undefined;
  if (toHandle && toNode && toHandle.type !== fromHandle.type) {
    const src = fromIsSource
      ? { node: fromNode.id, output: fromHandle.id ?? '' }
      : { node: toNode.id, output: toHandle.id ?? '' };
    const dst = fromIsSource
      ? { node: toNode.id, input: toHandle.id ?? '' }
      : { node: fromNode.id, input: fromHandle.id ?? '' };
    const check = checkConnection(catalog, doc, src, dst);
    if (!check.ok) reason = check.reason;
  }
  const [path] = getBezierPath({
    sourceX: fromX,
    sourceY: fromY,
    sourcePosition: fromPosition,
    targetX: toX,
    targetY: toY,
    targetPosition: toPosition,
  });
  const color = reason ? '#ff5252' : fromType ? SOCKET_COLORS[fromType] : '#aaa';
  return (
    <g>
      <path
        d={path}
        fill="none"
        stroke={color}
        strokeWidth={2.5}
        strokeDasharray={reason ? '6 4' : undefined}
      />
      {reason && (
        <foreignObject x={toX + 12} y={toY + 8} width={300} height={80} style={{ overflow: 'visible' }}>
          <div className="conn-refused" data-testid="connection-refused-hint">
            {reason}
          </div>
        </foreignObject>
      )}
    </g>
  );
}
