/** The progress of the run in progress: node, step x/y, ETA, and how many nodes are finished. */
import { useEffect, useState } from 'react';
import { catalogStore } from '../state/catalog-store';
import { getTab } from '../state/editor-store';
import { etaSeconds, useRuns } from '../state/run-store';

function fmtEta(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '';
  if (s < 60) return `ETA ${Math.ceil(s)} s`;
  return `ETA ${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
}

export function ProgressBar() {
  const run = useRuns((s) => (s.current ? s.runs[s.current] : undefined));
  const tabId = useRuns((s) => (s.current ? s.runTabs[s.current] : undefined));
  const [, tick] = useState(0);
  useEffect(() => {
    if (run?.phase !== 'running') return;
    const t = setInterval(() => tick((x) => x + 1), 500);
    return () => clearInterval(t);
  }, [run?.phase]);
  if (!run) return <div className="progress idle" data-testid="progress" />;
  const finished = Object.values(run.nodes).filter((n) => n.phase === 'done' || n.phase === 'cached').length;
  const total = run.order.length || 1;
  const p = run.progress;
  const frac = p ? (finished + p.step / Math.max(1, p.total)) / total : finished / total;
  const doc = tabId ? getTab(tabId)?.history.doc : undefined;
  const nodeTitle = (id: string) => doc?.nodes[id]?.title ?? catalogStore.get().index.get(doc?.nodes[id]?.type ?? '')?.title ?? id;
  let text: string;
  if (run.phase === 'running') {
    text = p ? `${nodeTitle(p.node)} — step ${p.step}/${p.total} ${p.message ? `(${p.message}) ` : ''}${fmtEta(etaSeconds(p))}` : `running… ${finished}/${total} nodes`;
  } else if (run.phase === 'done') {
    text = `Done in ${(((run.finishedAt ?? run.startedAt) - run.startedAt) / 1000).toFixed(1)} s`;
  } else if (run.phase === 'error') text = `Failed: ${run.error ?? ''}`;
  else text = 'Cancelled';
  return (
    <div className={`progress ${run.phase}`} data-testid="progress" data-phase={run.phase}>
      <div className="progress-fill" style={{ width: `${Math.round((run.phase === 'done' ? 1 : frac) * 100)}%` }} />
      <span className="progress-text" data-testid="progress-text">
        {text}
      </span>
    </div>
  );
}
