// Text report of verify results: one line per case (name, max abs err, max rel err, tolerance,
// PASS/FAIL), the reason under a failing case, and per-output lines when verbose.

import type { CaseReport, OutputReport } from './verify';

export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return '-';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return '0';
  return x.toExponential(2);
}

function tolText(t: { max_abs: number; max_rel: number } | undefined): string {
  return t ? `abs ${formatNumber(t.max_abs)} rel ${formatNumber(t.max_rel)}` : '-';
}

function outputLine(o: OutputReport, width: number): string {
  const status = !o.compared ? (o.debug ? 'skip' : 'MISSING') : o.pass ? 'ok' : 'FAIL';
  const line = `    ${o.name.padEnd(width)}  abs ${formatNumber(o.maxAbs).padEnd(9)} rel ${formatNumber(o.maxRel).padEnd(9)} tol ${tolText(o.tolerance).padEnd(24)} ${status}`;
  return o.reason && !o.pass ? `${line}\n      ${o.reason}` : line;
}

export function formatReport(reports: readonly CaseReport[], verbose = false): string {
  const nameW = Math.max(4, ...reports.map((r) => r.name.length));
  const lines: string[] = [];
  lines.push(
    `${'case'.padEnd(nameW)}  ${'max abs err'.padEnd(11)}  ${'max rel err'.padEnd(11)}  ${'tolerance'.padEnd(24)}  result`,
  );
  for (const r of reports) {
    lines.push(
      `${r.name.padEnd(nameW)}  ${formatNumber(r.maxAbs).padEnd(11)}  ${formatNumber(r.maxRel).padEnd(11)}  ${tolText(r.tolerance).padEnd(24)}  ${r.pass ? 'PASS' : 'FAIL'}`,
    );
    if (r.error) lines.push(`  ${r.error}`);
    const failed = r.outputs.filter((o) => !o.pass);
    const shown = verbose ? r.outputs : failed;
    if (shown.length > 0) {
      const w = Math.max(...shown.map((o) => o.name.length));
      const limit = verbose ? shown.length : 5;
      for (const o of shown.slice(0, limit)) lines.push(outputLine(o, w));
      if (shown.length > limit)
        lines.push(`    … and ${shown.length - limit} more failing outputs (--verbose lists all)`);
    }
  }
  const passed = reports.filter((r) => r.pass).length;
  lines.push(`${passed} of ${reports.length} case${reports.length === 1 ? '' : 's'} passed`);
  return lines.join('\n');
}
