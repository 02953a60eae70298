/** Where the CLI writes: injectable so tests can run `main()` in-process. */
import type { ProgressSink } from './progress';

export interface CliIO {
  cwd: string;
  /** One line to stdout. */
  out(line: string): void;
  /** One line to stderr. */
  err(line: string): void;
  /** Progress bar / per-node lines (stderr). */
  progress: ProgressSink;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    out: (line) => void process.stdout.write(line + '\n'),
    err: (line) => void process.stderr.write(line + '\n'),
    progress: {
      isTTY: process.stderr.isTTY,
      columns: process.stderr.columns,
      write: (s) => process.stderr.write(s),
    },
  };
}
