/** Errors the engine raises; both carry sentences a user can read. */

/** Thrown inside a node (by `ctx.throwIfAborted()`) when the run was cancelled. */
export class CancelledError extends Error {
  constructor(message = 'The run was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A node's `execute` failed; names the node id and type and keeps the cause's message. */
export class NodeExecutionError extends Error {
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    readonly causeMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`Node "${nodeId}" (${nodeType}) failed: ${causeMessage}`, options);
    this.name = 'NodeExecutionError';
  }
}

/** The message of anything thrown, as one line of text. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** A FILE input names a file that is in none of the places the engine looks. */
export class MissingFileError extends Error {
  constructor(
    readonly nodeId: string,
    readonly nodeType: string,
    readonly input: string,
    readonly fileName: string,
    readonly tried: readonly string[],
  ) {
    super(
      `Node "${nodeId}" (${nodeType}): input "${input}": the file "${fileName}" was not found` +
        (tried.length > 0 ? ` (looked for ${tried.join(', ')}).` : '.'),
    );
    this.name = 'MissingFileError';
  }
}
