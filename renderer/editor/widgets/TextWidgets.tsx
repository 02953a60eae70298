/** STRING (single line or multiline), ENUM and BOOLEAN widgets. */
import { memo } from 'react';
import type { BooleanInput, EnumInput, StringInput } from '../../../nodes/sdk/define';
import { endEdit, writeValue, type WidgetProps } from './widget-props';

export const StringWidget = memo(function StringWidget(props: WidgetProps<StringInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const value = typeof props.value === 'string' ? props.value : spec.default;
  const common = {
    className: 'nodrag nowheel',
    value,
    placeholder: label,
    title: spec.description ?? label,
    'data-testid': `input-${nodeId}-${name}`,
    onChange: (e: { target: { value: string } }) => writeValue(tabId, nodeId, name, e.target.value),
    onBlur: () => endEdit(tabId),
    spellCheck: false,
  };
  return (
    <div
      className={`w-row w-string${spec.multiline ? ' multiline' : ''}`}
      data-testid={`widget-${nodeId}-${name}`}
    >
      {spec.multiline ? (
        <>
          <span className="w-caption">{label}</span>
          <textarea {...common} rows={4} />
        </>
      ) : (
        <label className="w-inline">
          <span className="w-label">{label}</span>
          <input type="text" {...common} />
        </label>
      )}
    </div>
  );
});

export const EnumWidget = memo(function EnumWidget(props: WidgetProps<EnumInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const value = typeof props.value === 'string' ? props.value : spec.default;
  const options = spec.options.includes(value) ? spec.options : [value, ...spec.options];
  return (
    <div className="w-row" data-testid={`widget-${nodeId}-${name}`}>
      <label className="w-inline" title={spec.description ?? label}>
        <span className="w-label">{label}</span>
        <select
          className="nodrag"
          value={value}
          data-testid={`input-${nodeId}-${name}`}
          onChange={(e) => {
            writeValue(tabId, nodeId, name, e.target.value);
            endEdit(tabId);
          }}
        >
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
});

export const BooleanWidget = memo(function BooleanWidget(props: WidgetProps<BooleanInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const value = typeof props.value === 'boolean' ? props.value : spec.default;
  return (
    <div className="w-row" data-testid={`widget-${nodeId}-${name}`}>
      <label className="w-inline w-bool" title={spec.description ?? label}>
        <span className="w-label">{label}</span>
        <input
          type="checkbox"
          className="nodrag"
          checked={value}
          data-testid={`input-${nodeId}-${name}`}
          onChange={(e) => {
            writeValue(tabId, nodeId, name, e.target.checked);
            endEdit(tabId);
          }}
        />
      </label>
    </div>
  );
});
