/** The workflow document layer: schema, problems, load / migrate / save, CLI overrides, JSON Schema. */
export * from './schema';
export * from './problems';
export { canonicalize, saveWorkflow } from './canonical';
export { parseWorkflow, loadWorkflow, MAX_PROBLEMS } from './load';
export type { ParseOptions, ParseResult } from './load';
export { MAX_WORKFLOW_BYTES, MAX_WORKFLOW_DEPTH, FORBIDDEN_KEYS } from './json-text';
export {
  MIGRATIONS,
  OLDEST_SCHEMA_VERSION,
  MigrationError,
  migrateDocument,
  upgradeNodes,
} from './migrations';
export type {
  DocumentMigration,
  MigrateResult,
  NodeTypeInfo,
  NodeTypeLookup,
  UpgradeResult,
} from './migrations';
export { applyOverrides, coerceOverrideValue } from './overrides';
export type { Overrides, InputSpecLookup } from './overrides';
export { buildWorkflowJsonSchema, workflowJsonSchemaText, JSON_SCHEMA_FILE } from './json-schema';
