/**
 * Widget (literal) input values: the default rule and the per-type checks.
 *
 * Rule: a widget input that no edge feeds takes `values[name]`; when the key is absent (or holds
 * `undefined`) it takes the spec's `default`. So a document saved before an input existed still
 * runs, and a template may omit values it leaves at their defaults. `null` is a value, not an
 * absence: it is reported as the wrong type.
 */
import type { InputSpec, WidgetInputSpec } from '../sdk/define';
import type { ProblemCode } from '../../workflows/problems';

export function isWidgetSpec(spec: InputSpec): spec is WidgetInputSpec {
  switch (spec.type) {
    case 'INT':
    case 'FLOAT':
    case 'STRING':
    case 'BOOLEAN':
    case 'ENUM':
    case 'FILE':
      return true;
    default:
      return false;
  }
}

/** The literal value of a widget input that no edge feeds. */
export function literalValue(spec: WidgetInputSpec, values: Record<string, unknown>, name: string): unknown {
  const v = values[name];
  return v === undefined ? spec.default : v;
}

export interface LiteralIssue {
  code: ProblemCode;
  /** The tail of the sentence after `input "name" `. */
  text: string;
}

/** Checks one literal against its spec; undefined when it is fine. */
export function checkLiteral(spec: WidgetInputSpec, value: unknown): LiteralIssue | undefined {
  switch (spec.type) {
    case 'INT':
    case 'FLOAT': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return wrongType(value, spec.type === 'INT' ? 'a whole number' : 'a number');
      }
      if (spec.type === 'INT' && !Number.isInteger(value)) {
        return { code: 'type_mismatch', text: `is ${value}, but it must be a whole number.` };
      }
      if (spec.min !== undefined && value < spec.min) {
        return { code: 'out_of_range', text: `is ${value}, below the minimum ${spec.min}.` };
      }
      if (spec.max !== undefined && value > spec.max) {
        return { code: 'out_of_range', text: `is ${value}, above the maximum ${spec.max}.` };
      }
      return undefined;
    }
    case 'STRING':
      return typeof value === 'string' ? undefined : wrongType(value, 'text');
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : wrongType(value, 'true or false');
    case 'ENUM': {
      if (typeof value !== 'string') return wrongType(value, 'one of its options (text)');
      if (spec.options.includes(value)) return undefined;
      const shown = spec.options.map((o) => JSON.stringify(o)).join(', ');
      return { code: 'not_in_options', text: `is ${JSON.stringify(value)}, which is not one of: ${shown}.` };
    }
    case 'FILE': {
      if (typeof value !== 'string') return wrongType(value, 'a file name (text)');
      if (value === '' && !spec.optional) {
        return { code: 'missing_input', text: `needs a file (${spec.folder}), but none is chosen.` };
      }
      return undefined;
    }
  }
}

function wrongType(value: unknown, expected: string): LiteralIssue {
  return { code: 'type_mismatch', text: `should be ${expected}, but it is ${describe(value)}.` };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
    case 'number':
      return Number.isFinite(value) ? `the number ${value}` : String(value);
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
