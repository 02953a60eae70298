/**
 * The one workflow document format: editor, engine, CLI and files on disk all use it.
 * React Flow's node/edge objects are derived from it, never saved.
 */
import { z } from 'zod';

export const SCHEMA_VERSION = 1;

/** Node and edge ids: short, printable, safe in file names and CSS selectors. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : - only');

export const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

export const Position = z.object({ x: z.number().finite(), y: z.number().finite() });

/** The editor's after-run action on a seed input. */
export const SeedControlMode = z.enum(['fixed', 'randomize', 'increment']);

export const WorkflowNode = z.strictObject({
  type: z.string().min(1).max(128),
  version: z.number().int().min(1),
  position: Position,
  /** Literal input values keyed by input name (never by position). */
  values: z.record(z.string(), JsonValue),
  title: z.string().max(200).optional(),
  /** Widget inputs the user turned into sockets. */
  exposed: z.array(z.string()).optional(),
  /**
   * What the editor does to a seed input after each run it starts, keyed by input name:
   * keep it (`fixed`, the default when absent), draw a new one (`randomize`) or add one (`increment`).
   */
  seedControl: z.record(z.string(), SeedControlMode).optional(),
  /** Editor-side size, when the user resized the node. */
  size: z.object({ width: z.number().positive(), height: z.number().positive() }).optional(),
});

export const Endpoint = z.strictObject({ node: Id, output: z.string().min(1) });
export const Target = z.strictObject({ node: Id, input: z.string().min(1) });

export const WorkflowEdge = z.strictObject({ id: Id, from: Endpoint, to: Target });

export const WorkflowGroup = z.strictObject({
  id: Id,
  title: z.string().max(200),
  color: z.string().max(32).optional(),
  bounds: z.object({
    x: z.number().finite(),
    y: z.number().finite(),
    width: z.number().positive(),
    height: z.number().positive(),
  }),
});

/** A named handle on one node input, so a workflow can be driven like an app. */
export const WorkflowParam = z.strictObject({
  node: Id,
  input: z.string().min(1),
  label: z.string().max(200).optional(),
  description: z.string().max(2000).optional(),
});

export const WorkflowMeta = z.strictObject({
  title: z.string().max(200).optional(),
  description: z.string().max(10000).optional(),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), WorkflowParam).optional(),
  /** Template thumbnail: a data: URL (PNG/JPEG) or a path relative to the file. */
  thumbnail: z.string().max(2_000_000).optional(),
});

export const WorkflowDocument = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  nodes: z.record(Id, WorkflowNode),
  edges: z.array(WorkflowEdge),
  groups: z.array(WorkflowGroup).optional(),
  meta: WorkflowMeta.optional(),
});

export type WorkflowDocument = z.infer<typeof WorkflowDocument>;
export type WorkflowNode = z.infer<typeof WorkflowNode>;
export type SeedControlMode = z.infer<typeof SeedControlMode>;
export type WorkflowEdge = z.infer<typeof WorkflowEdge>;
export type WorkflowGroup = z.infer<typeof WorkflowGroup>;
export type WorkflowParam = z.infer<typeof WorkflowParam>;
export type WorkflowMeta = z.infer<typeof WorkflowMeta>;
