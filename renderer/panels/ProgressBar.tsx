/**
 * The progress of the run in progress: node, step x/y, ETA of the whole run (see state/eta.ts),
 * and how many nodes are finished.
 */
import { useEffect, useMemo, useState } from 'react';
import { catalogStore } from '../state/catalog-store';
import { getTab } from '../state/editor-store';
import { estimateRun, expectedDurations, pastRuns, type RunEta } from '../state/eta';
import { runStore, useRuns } from '../state/run-store';

export function fmtEta(eta: RunEta | undefined): string {
  if (!eta || !Number.isFinite(eta.seconds)) return '';
  const s = eta.seconds;
  const text = s < 60 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
  // some nodes still to run have no earlier duration: the figure is a lower bound
  return eta.unknown > 0 ? `ETA ≥ ${text}` : `ETA ${text}`;
}

export function ProgressBar() {
  const run = useRuns((s) => (s.current ? s.runs[s.current] : undefined));
  const tabId = useRuns((s) => (s.current ? s.runTabs[s.current] : undefined));
  const runDoc = useRuns((s) => (s.current ? s.runDocs[s.current] : undefined));
  const [, tick] = useState(0);
  useEffect(() => {
    if (run?.phase !== 'running') return;
    const t = setInterval(() => tick((x) => x + 1), 500);
    return () => clearInterval(t);
  }, [run?.phase]);
  const expected = useMemo(() => {
    if (!runDoc) return new Map<string, number>();
    const catalog = catalogStore.get().index;
    // the history as the run starts (read once: it grows when runs finish, the estimate should not jump)
    return expectedDurations(
      runDoc,
      pastRuns(runStore.get().history),
      (type) => catalog.get(type)?.volatile ?? false,
    );
  }, [runDoc]);
  if (!run) return <div className="progress idle" data-testid="progress" />;
  const finished = Object.values(run.nodes).filter((n) => n.phase === 'done' || n.phase === 'cached').length;
  const total = run.order.length || 1;
  const p = run.progress;
  const frac = p ? (finished + p.step / Math.max(1, p.total)) / total : finished / total;
  const doc = runDoc ?? (tabId ? getTab(tabId)?.history.doc : undefined);
  const nodeTitle = (id: string) =>
    doc?.nodes[id]?.title ?? catalogStore.get().index.get(doc?.nodes[id]?.type ?? '')?.title ?? id;
  let text: string;
  if (run.phase === 'running') {
    const eta = fmtEta(
      estimateRun({
        order: run.order,
        nodes: run.nodes,
        ...(p ? { progress: p } : {}),
        ...(run.running ? { running: run.running } : {}),
        expected,
        now: Date.now(),
      }),
    );
    const where = p
      ? `${nodeTitle(p.node)} — step ${p.step}/${p.total} ${p.message ? `(${p.message}) ` : ''}`
      : run.running
        ? `${nodeTitle(run.running.node)} — ${finished}/${total} nodes `
        : `running… ${finished}/${total} nodes `;
    text = `${where}${eta}`.trim();
  } else if (run.phase === 'done') {
    text = `Done in ${(((run.finishedAt ?? run.startedAt) - run.startedAt) / 1000).toFixed(1)} s`;
  } else if (run.phase === 'error') text = `Failed: ${run.error ?? ''}`;
  else text = 'Cancelled';
  return (
    <div className={`progress ${run.phase}`} data-testid="progress" data-phase={run.phase}>
      <div
        className="progress-fill"
        style={{ width: `${Math.round((run.phase === 'done' ? 1 : frac) * 100)}%` }}
      />
      <span className="progress-text" data-testid="progress-text">
        {text}
      </span>
    </div>
  );
}
