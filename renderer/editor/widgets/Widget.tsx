/** Picks the widget component for an input spec. */
import { memo } from 'react';
import type { WidgetInputSpec } from '../../../nodes/sdk/define';
import { FileWidget } from './FileWidget';
import { NumberWidget } from './NumberWidget';
import { BooleanWidget, EnumWidget, StringWidget } from './TextWidgets';
import type { WidgetProps } from './widget-props';

export const Widget = memo(function Widget(props: WidgetProps) {
  const spec: WidgetInputSpec = props.spec;
  switch (spec.type) {
    case 'INT':
    case 'FLOAT':
      return <NumberWidget {...props} spec={spec} />;
    case 'STRING':
      return <StringWidget {...props} spec={spec} />;
    case 'ENUM':
      return <EnumWidget {...props} spec={spec} />;
    case 'BOOLEAN':
      return <BooleanWidget {...props} spec={spec} />;
    case 'FILE':
      return <FileWidget {...props} spec={spec} />;
  }
});
