/** The right-hand panel: outputs of the tab's latest run (with live preview), the queue, the history. */
import type { HistoryEntry } from '../../nodes/api/contract';
import { api, fileUrl } from '../bridge/api';
import { openTab, useActiveTab } from '../state/editor-store';
import { cancelRun } from '../state/run-actions';
import { useRuns, type RunView } from '../state/run-store';
import { toast } from '../state/toast-store';
import { setUi, useUi, type SidePanel as Panel } from '../state/ui-store';

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

function Artifact({ path, kind, mime }: { path: string; kind: string; mime: string }) {
  const url = fileUrl(path);
  if (kind === 'video' && mime.startsWith('video/')) {
    return (
      <figure className="artifact">
        <video
          src={url}
          controls
          loop
          muted
          playsInline
          preload="metadata"
          data-testid="output-video"
          data-path={path}
        />
        <figcaption>
          <a href={url} target="_blank" rel="noreferrer">
            {baseName(path)}
          </a>
        </figcaption>
      </figure>
    );
  }
  if (kind === 'video' || kind === 'image') {
    return (
      <figure className="artifact">
        <img src={url} alt={baseName(path)} data-testid="output-image" />
        <figcaption>{baseName(path)}</figcaption>
      </figure>
    );
  }
  return (
    <figure className="artifact">
      <figcaption>{baseName(path)}</figcaption>
    </figure>
  );
}

function OutputsPanel() {
  const tab = useActiveTab();
  const run: RunView | undefined = useRuns((s) => {
    const id = tab ? s.lastByTab[tab.id] : undefined;
    return id ? s.runs[id] : undefined;
  });
  if (!run) return <div className="panel-empty">Run the workflow (Ctrl+Enter) to see its outputs here.</div>;
  const seen = new Set<string>();
  const outputs = run.outputs.filter((o) => (seen.has(o.path) ? false : (seen.add(o.path), true)));
  return (
    <div className="outputs" data-testid="outputs-panel">
      {run.phase === 'running' && run.previewUrl && (
        <figure className="artifact live">
          <img src={run.previewUrl} alt="live preview" data-testid="live-preview" />
          <figcaption>live preview</figcaption>
        </figure>
      )}
      {run.error && run.phase !== 'running' && <div className="panel-error">{run.error}</div>}
      {outputs.map((o) => (
        <Artifact key={o.path} path={o.path} kind={o.kind} mime={o.mime} />
      ))}
      {outputs.length === 0 && run.phase === 'running' && <div className="panel-empty">Running…</div>}
    </div>
  );
}

function QueuePanel() {
  const queue = useRuns((s) => s.queue);
  if (queue.length === 0) return <div className="panel-empty">The queue is empty.</div>;
  const call = (p: Promise<unknown>) => void p.catch((e: Error) => toast(e.message, 'error'));
  // queue.move indexes among the queued runs (the running one is not movable)
  const running = queue.filter((q) => q.state === 'running').length;
  return (
    <ol className="queue" data-testid="queue-panel">
      {queue.map((q, i) => (
        <li key={q.runId} className={q.state} data-testid={`queue-item-${i}`} data-run-id={q.runId}>
          <span className="q-label">{q.label || q.runId.slice(0, 8)}</span>
          <span className="q-state">{q.state}</span>
          {q.state === 'queued' ? (
            <span className="q-actions">
              <button
                title="Move up"
                data-testid={`queue-up-${i}`}
                disabled={i - running <= 0}
                onClick={() =>
                  call(api()['queue.move']({ runId: q.runId, index: Math.max(0, i - running - 1) }))
                }
              >
                ↑
              </button>
              <button
                title="Move down"
                disabled={i === queue.length - 1}
                onClick={() => call(api()['queue.move']({ runId: q.runId, index: i - running + 1 }))}
              >
                ↓
              </button>
              <button
                title="Remove from the queue"
                data-testid={`queue-remove-${i}`}
                onClick={() => call(api()['queue.remove']({ runId: q.runId }))}
              >
                ×
              </button>
            </span>
          ) : (
            <span className="q-actions">
              <button title="Cancel (Esc)" onClick={() => void cancelRun(q.runId)}>
                ■
              </button>
            </span>
          )}
        </li>
      ))}
    </ol>
  );
}

function HistoryItem({ entry }: { entry: HistoryEntry }) {
  const ran = Object.values(entry.nodes);
  const ms = ran.reduce((a, n) => a + n.ms, 0);
  return (
    <li className={`hist ${entry.ok ? 'ok' : 'failed'}`} data-testid="history-item">
      <div className="hist-head">
        <span className="hist-label">{entry.label || entry.runId.slice(0, 8)}</span>
        <span className="hist-time">{new Date(entry.startedAt).toLocaleTimeString()}</span>
      </div>
      <div className="hist-meta">
        {entry.ok
          ? `${(ms / 1000).toFixed(1)} s · ${ran.filter((n) => n.status === 'cached').length} cached`
          : (entry.error?.message ?? 'failed')}
      </div>
      <div className="hist-outputs">
        {entry.outputs.map((o) =>
          o.kind === 'image' ? (
            <img key={o.path} src={fileUrl(o.path)} alt={baseName(o.path)} />
          ) : (
            <a key={o.path} href={fileUrl(o.path)} target="_blank" rel="noreferrer" title={o.path}>
              {baseName(o.path)}
            </a>
          ),
        )}
      </div>
      <button
        className="hist-open"
        data-testid="history-open"
        onClick={() =>
          openTab(entry.doc, {
            title: `${entry.label || 'Run'} @ ${new Date(entry.startedAt).toLocaleTimeString()}`,
            dirty: true,
          })
        }
      >
        Open this run’s workflow
      </button>
    </li>
  );
}

function HistoryPanel() {
  const history = useRuns((s) => s.history);
  if (history.length === 0) return <div className="panel-empty">No finished runs yet.</div>;
  return (
    <ul className="history" data-testid="history-panel">
      {history.slice(0, 100).map((h) => (
        <HistoryItem key={h.runId} entry={h} />
      ))}
    </ul>
  );
}

const PANELS: Array<[Panel, string]> = [
  ['outputs', 'Outputs'],
  ['queue', 'Queue'],
  ['history', 'History'],
];

export function SidePanel() {
  const panel = useUi((u) => u.panel);
  const queued = useRuns((s) => s.queue.length);
  return (
    <aside className="sidepanel">
      <div className="sp-tabs">
        {PANELS.map(([id, label]) => (
          <button
            key={id}
            className={panel === id ? 'active' : ''}
            data-testid={`panel-${id}`}
            onClick={() => setUi({ panel: id })}
          >
            {label}
            {id === 'queue' && queued > 0 ? <em>{queued}</em> : null}
          </button>
        ))}
      </div>
      <div className="sp-body">
        {panel === 'outputs' && <OutputsPanel />}
        {panel === 'queue' && <QueuePanel />}
        {panel === 'history' && <HistoryPanel />}
      </div>
    </aside>
  );
}
