/**
 * INT / FLOAT widget: a compact field with ‹ › step buttons; drag left/right on it to scrub, click
 * to type. FLOAT inputs with display 'slider' show a range slider. Seeds add fixed / randomize /
 * increment (applied after each run started from the editor; saved with the workflow).
 */
import { memo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { FloatInput, IntInput } from '../../../nodes/sdk/define';
import { setSeedMode, useEditor, type SeedMode } from '../../state/editor-store';
import { clamp, endEdit, snapToStep, writeValue, type WidgetProps } from './widget-props';

function format(v: number, integer: boolean): string {
  return integer ? String(Math.round(v)) : String(Number(v.toPrecision(6)));
}

export const NumberWidget = memo(function NumberWidget(props: WidgetProps<IntInput | FloatInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const integer = spec.type === 'INT';
  const value = typeof props.value === 'number' ? props.value : spec.default;
  const step = spec.step ?? (integer ? 1 : 0.01);
  const [text, setText] = useState<string | null>(null);
  const drag = useRef<{ x: number; start: number; moved: boolean } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const commit = (v: number) => {
    const next = clamp(snapToStep(v, spec.step, spec.min, integer), spec.min, spec.max);
    if (next !== value) writeValue(tabId, nodeId, name, next);
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (text !== null || e.button !== 0) return;
    drag.current = { x: e.clientX, start: value, moved: false };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d) return;
    const dx = e.clientX - d.x;
    if (!d.moved && Math.abs(dx) < 3) return;
    d.moved = true;
    const pxPerStep = integer && (spec.max ?? 0) - (spec.min ?? 0) > 10000 ? 2 : 6;
    commit(d.start + Math.round(dx / pxPerStep) * step);
  };
  const onPointerUp = () => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    if (d.moved) endEdit(tabId);
    else {
      setText(format(value, integer));
      requestAnimationFrame(() => inputRef.current?.select());
    }
  };

  const slider =
    spec.type === 'FLOAT' && spec.display === 'slider' && spec.min !== undefined && spec.max !== undefined;

  return (
    <div className="w-row" data-testid={`widget-${nodeId}-${name}`}>
      <div
        className={`w-num nodrag${text !== null ? ' editing' : ''}`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        title={spec.description ?? label}
      >
        <button
          className="w-step"
          aria-label={`decrease ${label}`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => {
            commit(value - step);
            endEdit(tabId);
          }}
        >
          ‹
        </button>
        <span className="w-label">{label}</span>
        {text !== null ? (
          <input
            ref={inputRef}
            className="w-num-input nodrag"
            autoFocus
            value={text}
            data-testid={`input-${nodeId}-${name}`}
            onChange={(e) => {
              setText(e.target.value);
              const v = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(v)) commit(v);
            }}
            onBlur={() => {
              setText(null);
              endEdit(tabId);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === 'Escape') (e.target as HTMLInputElement).blur();
            }}
          />
        ) : (
          <span className="w-value" data-testid={`value-${nodeId}-${name}`}>
            {format(value, integer)}
          </span>
        )}
        <button
          className="w-step"
          aria-label={`increase ${label}`}
          onPointerDown={(e) => e.stopPropagation()}
          onClick={() => {
            commit(value + step);
            endEdit(tabId);
          }}
        >
          ›
        </button>
      </div>
      {slider && (
        <input
          type="range"
          className="w-slider nodrag"
          min={spec.min}
          max={spec.max}
          step={step}
          value={value}
          onChange={(e) => commit(Number(e.target.value))}
          onPointerUp={() => endEdit(tabId)}
        />
      )}
      {spec.type === 'INT' && spec.seed && <SeedControl tabId={tabId} nodeId={nodeId} name={name} />}
    </div>
  );
});

function SeedControl({ tabId, nodeId, name }: { tabId: string; nodeId: string; name: string }) {
  const mode = useEditor(
    (s) => s.tabs.find((t) => t.id === tabId)?.history.doc.nodes[nodeId]?.seedControl?.[name] ?? 'fixed',
  );
  return (
    <label className="w-seed nodrag">
      <span>after run</span>
      <select
        className="nodrag"
        value={mode}
        data-testid={`seed-mode-${nodeId}-${name}`}
        onChange={(e) => setSeedMode(tabId, nodeId, name, e.target.value as SeedMode)}
      >
        <option value="fixed">fixed</option>
        <option value="randomize">randomize</option>
        <option value="increment">increment</option>
      </select>
    </label>
  );
}
