import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  buildWorkflowJsonSchema,
  JSON_SCHEMA_FILE,
  workflowJsonSchemaText,
} from '../../../workflows/json-schema';

test(`${JSON_SCHEMA_FILE} is up to date with workflows/schema.ts`, () => {
  const committed = readFileSync(new URL(`../../../${JSON_SCHEMA_FILE}`, import.meta.url), 'utf8');
  assert.ok(
    committed === workflowJsonSchemaText(),
    `${JSON_SCHEMA_FILE} is stale: run \`npx tsx workflows/generate-json-schema.ts\` and commit the result.`,
  );
});

test('the JSON Schema describes the document', () => {
  const s = buildWorkflowJsonSchema() as {
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, { const?: number; propertyNames?: { pattern?: string } }>;
    $defs: Record<string, unknown>;
  };
  assert.deepEqual([...s.required].sort(), ['edges', 'nodes', 'schemaVersion']);
  assert.equal(s.additionalProperties, false);
  assert.equal(s.properties.schemaVersion.const, 1);
  assert.equal(s.properties.nodes.propertyNames!.pattern, '^[A-Za-z0-9_.:-]+$');
  assert.ok('JsonValue' in s.$defs, 'literal values are described by a named recursive definition');
});
