// `wan-studio verify <case-dir>... [--verbose] [--filter=REGEX] [--json]`: exit 0 when every case
// passes, 1 when any fails or the arguments are wrong.

import { formatReport, verifyCases } from './verify';

const USAGE = `Usage: wan-studio verify <case-dir>... [--verbose] [--filter=REGEX] [--json]
  <case-dir>     a golden case folder (with manifest.json), or a folder of case folders
  --verbose, -v  list every output of every case
  --filter=RE    only cases whose name matches the regular expression
  --json         print the reports as one JSON object instead of the table`;

export async function verifyCommand(args: string[], out: (s: string) => void): Promise<number> {
  const dirs: string[] = [];
  let verbose = false;
  let json = false;
  let filter: RegExp | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--help' || a === '-h') {
      out(USAGE);
      return 0;
    } else if (a === '--verbose' || a === '-v') verbose = true;
    else if (a === '--json') json = true;
    else if (a === '--filter' || a.startsWith('--filter=')) {
      const src = a === '--filter' ? args[++i] : a.slice('--filter='.length);
      if (src === undefined || src === '') {
        out(`error: --filter needs a regular expression\n${USAGE}`);
        return 1;
      }
      try {
        filter = new RegExp(src);
      } catch (e) {
        out(`error: --filter: ${(e as Error).message}\n${USAGE}`);
        return 1;
      }
    } else if (a.startsWith('-')) {
      out(`error: unknown option "${a}"\n${USAGE}`);
      return 1;
    } else dirs.push(a);
  }
  if (dirs.length === 0) {
    out(`error: give at least one case folder\n${USAGE}`);
    return 1;
  }
  const reports = await verifyCases(dirs, { verbose, ...(filter ? { filter } : {}) });
  if (reports.length === 0) {
    out('error: no case matched the filter');
    return 1;
  }
  if (json) {
    out(
      JSON.stringify({ ok: reports.every((r) => r.pass), reports }, (_k, v: unknown) =>
        typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
      ),
    );
  } else out(formatReport(reports, verbose));
  return reports.every((r) => r.pass) ? 0 : 1;
}
