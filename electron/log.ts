/** The main process's log file (Help → Open Logs Folder): one timestamped line per entry, best effort. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export function fileLogger(
  file: string,
  echo: (line: string) => void = () => undefined,
): (line: string) => void {
  let ready = false;
  return (line: string) => {
    const text = `${new Date().toISOString()} ${line}\n`;
    echo(text);
    try {
      if (!ready) {
        mkdirSync(dirname(file), { recursive: true });
        ready = true;
      }
      appendFileSync(file, text);
    } catch {
      // logging must never take the app down
    }
  };
}
