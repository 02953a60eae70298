/**
 * What the host tells us about runs: per-node state of each run (queued, running with step x/y,
 * cached, done with ms, error), progress + ETA, live preview, outputs, the queue and the history.
 * Fed by host events; the canvas reads the state of the active tab's latest run.
 */
import type { HistoryEntry, HostEvent, QueueEntry, UiEngineEvent } from '../../nodes/api/contract';
import type { Artifact } from '../../nodes/sdk/values';
import type { WorkflowDocument } from '../../workflows/schema';
import { createStore, useStore } from './store-core';

export type NodeRunPhase = 'queued' | 'running' | 'cached' | 'done' | 'error';

export interface NodeRunState {
  phase: NodeRunPhase;
  step?: number;
  total?: number;
  ms?: number;
  message?: string;
}

export interface RunProgress {
  node: string;
  step: number;
  total: number;
  message?: string;
  /** When this node's first progress event arrived, and at which step (for the ETA). */
  since: number;
  sinceStep: number;
  at: number;
}

export interface RunView {
  runId: string;
  label?: string;
  phase: 'running' | 'done' | 'error' | 'cancelled';
  startedAt: number;
  finishedAt?: number;
  order: readonly string[];
  nodes: Readonly<Record<string, NodeRunState>>;
  progress?: RunProgress;
  /** The node executing now and when it started (for the ETA before its first step). */
  running?: { node: string; since: number };
  previewUrl?: string;
  outputs: readonly (Artifact & { node: string })[];
  error?: string;
}

export interface RunState {
  runs: Readonly<Record<string, RunView>>;
  /** The run the progress bar follows (the one running now, else the last one). */
  current?: string;
  /** Tab that enqueued each run. */
  runTabs: Readonly<Record<string, string>>;
  /** Latest run of each tab. */
  lastByTab: Readonly<Record<string, string>>;
  /** The document each run was enqueued with (for the ETA's node signatures). */
  runDocs: Readonly<Record<string, WorkflowDocument>>;
  queue: readonly QueueEntry[];
  history: readonly HistoryEntry[];
}

export const runStore = createStore<RunState>({
  runs: {},
  runTabs: {},
  lastByTab: {},
  runDocs: {},
  queue: [],
  history: [],
});

const KEEP_RUNS = 30;

export function bindRunToTab(runId: string, tabId: string, label?: string, doc?: WorkflowDocument): void {
  runStore.update((s) => ({
    ...s,
    runTabs: { ...s.runTabs, [runId]: tabId },
    runDocs: doc ? { ...s.runDocs, [runId]: doc } : s.runDocs,
    lastByTab: { ...s.lastByTab, [tabId]: runId },
    runs: s.runs[runId] && label ? { ...s.runs, [runId]: { ...s.runs[runId], label } } : s.runs,
  }));
}

export function setHistory(history: readonly HistoryEntry[]): void {
  runStore.update((s) => ({ ...s, history }));
}

export function setQueue(queue: readonly QueueEntry[]): void {
  runStore.update((s) => ({ ...s, queue }));
}

function withNode(run: RunView, node: string, st: NodeRunState): RunView {
  return { ...run, nodes: { ...run.nodes, [node]: st } };
}

function newRun(runId: string, now: number): RunView {
  return { runId, phase: 'running', startedAt: now, order: [], nodes: {}, outputs: [] };
}

/** The next run view after one engine event (pure; `now` in ms). */
export function reduceRun(run: RunView | undefined, e: UiEngineEvent, now: number): RunView {
  const r = run ?? newRun(e.runId, now);
  switch (e.type) {
    case 'run_start': {
      const nodes: Record<string, NodeRunState> = {};
      for (const id of e.order) nodes[id] = { phase: 'queued' };
      return { ...r, phase: 'running', startedAt: now, order: e.order, nodes };
    }
    case 'node_start':
      return withNode({ ...r, progress: undefined, running: { node: e.node, since: now } }, e.node, {
        phase: 'running',
      });
    case 'node_cached': {
      const outputs = [...r.outputs, ...(e.artifacts ?? []).map((a) => ({ ...a, node: e.node }))];
      return withNode({ ...r, outputs }, e.node, { phase: 'cached' });
    }
    case 'progress': {
      const prev = r.progress?.node === e.node ? r.progress : undefined;
      const progress: RunProgress = {
        node: e.node,
        step: e.step,
        total: e.total,
        ...(e.message !== undefined ? { message: e.message } : {}),
        since: prev?.since ?? now,
        sinceStep: prev?.sinceStep ?? e.step,
        at: now,
      };
      const next = withNode({ ...r, progress }, e.node, {
        phase: 'running',
        step: e.step,
        total: e.total,
        ...(e.message !== undefined ? { message: e.message } : {}),
      });
      return e.previewUrl ? { ...next, previewUrl: e.previewUrl } : next;
    }
    case 'node_done': {
      const outputs = [...r.outputs, ...e.artifacts.map((a) => ({ ...a, node: e.node }))];
      return withNode({ ...r, outputs }, e.node, { phase: 'done', ms: e.ms });
    }
    case 'run_done':
      return { ...r, phase: 'done', finishedAt: now, progress: undefined, running: undefined };
    case 'run_error': {
      let next: RunView = {
        ...r,
        phase: 'error',
        finishedAt: now,
        progress: undefined,
        running: undefined,
        error: e.error.message,
      };
      if (e.error.node) next = withNode(next, e.error.node, { phase: 'error', message: e.error.message });
      // nodes still marked queued/running never ran
      const nodes: Record<string, NodeRunState> = {};
      for (const [id, st] of Object.entries(next.nodes))
        nodes[id] = st.phase === 'running' && id !== e.error.node ? { phase: 'queued' } : st;
      return { ...next, nodes };
    }
    case 'run_cancelled': {
      const nodes: Record<string, NodeRunState> = {};
      for (const [id, st] of Object.entries(r.nodes))
        nodes[id] = st.phase === 'running' ? { phase: 'queued', message: 'cancelled' } : st;
      return {
        ...r,
        phase: 'cancelled',
        finishedAt: now,
        progress: undefined,
        running: undefined,
        nodes,
        error: 'Cancelled.',
      };
    }
  }
}

export function handleHostEvent(e: HostEvent, now = Date.now()): void {
  if (e.channel === 'queue') return setQueue(e.queue);
  if (e.channel === 'history') {
    runStore.update((s) => ({
      ...s,
      history: [e.entry, ...s.history.filter((h) => h.runId !== e.entry.runId)],
    }));
    return;
  }
  const ev = e.event;
  runStore.update((s) => {
    const run = reduceRun(s.runs[ev.runId], ev, now);
    let runs: Record<string, RunView> = { ...s.runs, [ev.runId]: run };
    let runDocs = s.runDocs;
    const ids = Object.keys(runs);
    if (ids.length > KEEP_RUNS) {
      const keep = new Set(Object.values(s.lastByTab));
      const docs: Record<string, WorkflowDocument> = { ...runDocs };
      runDocs = docs;
      for (const id of ids.slice(0, ids.length - KEEP_RUNS)) {
        if (keep.has(id) || id === ev.runId) continue;
        delete runs[id];
        delete docs[id];
      }
      runs = { ...runs };
    }
    return { ...s, runs, runDocs, current: ev.runId };
  });
}

export function useRuns<T>(select: (s: RunState) => T): T {
  return useStore(runStore, select);
}

/** The state of one node in the latest run of a tab. */
export function useNodeRunState(tabId: string, nodeId: string): NodeRunState | undefined {
  return useRuns((s) => {
    const runId = s.lastByTab[tabId];
    return runId ? s.runs[runId]?.nodes[nodeId] : undefined;
  });
}
