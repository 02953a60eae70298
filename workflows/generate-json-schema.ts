/** Writes workflows/workflow.schema.json from the zod schema: `npx tsx workflows/generate-json-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILE, workflowJsonSchemaText } from './json-schema';

const target = fileURLToPath(new URL('../' + JSON_SCHEMA_FILE, import.meta.url));
writeFileSync(target, workflowJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_FILE}`);
