/**
 * A problem found in a workflow: by the loader (parse, schema, version), the migrations, or the
 * engine's validator. Every problem names where it is, so the editor can pin it to a node and the
 * CLI can print it.
 */
export type ProblemCode =
  | 'parse' // not JSON / not UTF-8 / truncated
  | 'schema' // JSON that is not a workflow document (wrong types, unknown keys...)
  | 'future_version' // schemaVersion newer than this build understands
  | 'migration' // an older document that could not be upgraded
  | 'unknown_type' // node type not in the registry
  | 'future_node_version' // node type version newer than the registry's
  | 'missing_input' // required input neither linked nor given a value
  | 'type_mismatch' // edge joins incompatible sockets / literal value of the wrong type
  | 'cycle' // the graph has a cycle
  | 'dangling_edge' // edge to/from a node, output or input that does not exist
  | 'duplicate_link' // two edges into one input
  | 'out_of_range' // number outside min/max
  | 'not_in_options' // enum value not among the options
  | 'unknown_value' // value for an input the node type does not have
  | 'bad_param' // meta.params entry pointing at nothing
  | 'bad_output' // requested output node missing or not an output
  | 'bad_override'; // a CLI --set item that is malformed or names a missing node/input or a bad value

export interface WorkflowProblem {
  code: ProblemCode;
  /** One sentence a user can act on, naming the node/input/edge concerned. */
  message: string;
  /** JSON path inside the document, e.g. ['nodes', 'sampler', 'values', 'steps']. */
  path?: (string | number)[];
  node?: string;
  input?: string;
  edge?: string;
  /** For problems in the file's text (code 'parse'): 1-based line and column. */
  line?: number;
  column?: number;
}

/** Thrown by the loader when a document cannot be used; carries every problem found. */
export class WorkflowError extends Error {
  constructor(
    readonly problems: WorkflowProblem[],
    readonly source?: string,
  ) {
    super(
      (source ? `${source}: ` : '') +
        (problems.length === 1
          ? problems[0].message
          : `${problems.length} problems:\n` + problems.map((p) => `  - ${p.message}`).join('\n')),
    );
    this.name = 'WorkflowError';
  }
}
