/**
 * The JSON Schema of the workflow document, generated from the zod schema (zod 4's
 * z.toJSONSchema) so editors and other tools can validate files. The committed copy is
 * workflows/workflow.schema.json; `npx tsx workflows/generate-json-schema.ts` rewrites it and a
 * unit test fails when it is stale.
 */
import { z } from 'zod';
import { JsonValue, SCHEMA_VERSION, WorkflowDocument } from './schema';

export const JSON_SCHEMA_FILE = 'workflows/workflow.schema.json';

export function buildWorkflowJsonSchema(): Record<string, unknown> {
  const names = z.registry<{ id: string }>();
  names.add(JsonValue, { id: 'JsonValue' });
  const generated = z.toJSONSchema(WorkflowDocument, { io: 'input', metadata: names }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: `Wan Studio workflow (schema ${SCHEMA_VERSION})`,
    $comment: 'Generated from workflows/schema.ts by workflows/generate-json-schema.ts; do not edit by hand.',
    ...rest,
  };
}

/** The file's exact text: 2-space indent, trailing newline. */
export function workflowJsonSchemaText(): string {
  return JSON.stringify(buildWorkflowJsonSchema(), null, 2) + '\n';
}
