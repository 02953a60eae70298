/**
 * Human progress output for `wan-studio run`: a one-line bar with step x/y and an ETA on a
 * TTY, plain per-node lines otherwise. Never writes to stdout in --json mode (the caller
 * passes stderr).
 */
import type { EngineEvent } from '../engine/events';

export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

function fmtMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** Estimated time left from the elapsed time of `done` out of `total` equal steps. */
export function eta(elapsedMs: number, done: number, total: number): number | undefined {
  if (done <= 0 || total <= done) return undefined;
  return (elapsedMs / done) * (total - done);
}

export function createProgressPrinter(sink: ProgressSink, titleOf: (node: string) => string) {
  const tty = sink.isTTY === true;
  let stepStart = 0;
  let currentNode = '';
  let lineOpen = false;
  const clear = () => {
    if (tty && lineOpen) sink.write('\r\x1b[2K');
    lineOpen = false;
  };
  return (e: EngineEvent): void => {
    switch (e.type) {
      case 'node_start':
        currentNode = e.node;
        stepStart = Date.now();
        if (tty) {
          clear();
          sink.write(`▶ ${titleOf(e.node)} …`);
          lineOpen = true;
        }
        break;
      case 'progress': {
        if (!tty) break;
        if (e.node !== currentNode) {
          currentNode = e.node;
          stepStart = Date.now();
        }
        const left = eta(Date.now() - stepStart, e.step, e.total);
        const width = Math.max(10, Math.min(30, (sink.columns ?? 80) - 60));
        clear();
        sink.write(
          `▶ ${titleOf(e.node)} ${bar(e.step / e.total, width)} ${e.step}/${e.total}` +
            (left !== undefined ? ` ETA ${fmtMs(left)}` : '') +
            (e.message ? ` ${e.message}` : ''),
        );
        lineOpen = true;
        break;
      }
      case 'node_cached':
        clear();
        sink.write(`= ${titleOf(e.node)} (cached)\n`);
        break;
      case 'node_done':
        clear();
        sink.write(`✓ ${titleOf(e.node)} ${fmtMs(e.ms)}\n`);
        break;
      case 'run_cancelled':
        clear();
        sink.write('✗ cancelled\n');
        break;
      case 'run_error':
        clear();
        break;
      default:
        break;
    }
  };
}
