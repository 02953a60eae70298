/**
 * Run, cancel and the queue, through the API: validate first (problems pinned to their nodes),
 * then enqueue; seeds set to randomize/increment change after each enqueued run.
 */
import type { WorkflowProblem } from '../../workflows/problems';
import { api } from '../bridge/api';
import { catalogStore } from './catalog-store';
import { seedUpdates, setValue } from './doc-ops';
import { activeTab, editDoc, getTab, setProblems } from './editor-store';
import { bindRunToTab, runStore } from './run-store';
import { toast } from './toast-store';

function describe(problems: readonly WorkflowProblem[]): string {
  const first = problems[0]?.message ?? '';
  return problems.length === 1 ? first : `${problems.length} problems. ${first}`;
}

export async function validateTab(tabId: string): Promise<readonly WorkflowProblem[]> {
  const tab = getTab(tabId);
  if (!tab) return [];
  const { problems } = await api()['workflow.validate']({ doc: tab.history.doc });
  setProblems(tabId, problems);
  return problems;
}

/** Validates and enqueues the active tab. Returns the run id, or undefined when refused. */
export async function runActiveTab(): Promise<string | undefined> {
  const tab = activeTab();
  if (!tab) return undefined;
  try {
    const problems = await validateTab(tab.id);
    if (problems.length > 0) {
      toast(`Cannot run: ${describe(problems)}`, 'error', 6000);
      return undefined;
    }
    const label = tab.title;
    const r = await api()['run.enqueue']({ doc: tab.history.doc, options: { label } });
    if ('problems' in r) {
      setProblems(tab.id, r.problems);
      toast(`Cannot run: ${describe(r.problems)}`, 'error', 6000);
      return undefined;
    }
    bindRunToTab(r.runId, tab.id, label, tab.history.doc);
    applySeedControls(tab.id);
    return r.runId;
  } catch (e) {
    toast(`Run failed: ${(e as Error).message}`, 'error', 6000);
    return undefined;
  }
}

/** After a run is queued: seeds set to randomize get a new random value, increment adds one. */
function applySeedControls(tabId: string): void {
  const tab = getTab(tabId);
  if (!tab) return;
  const changes = seedUpdates(tab.history.doc, catalogStore.get().index);
  if (changes.length > 0) editDoc(tabId, (d) => changes.forEach(([n, i, v]) => setValue(d, n, i, v)));
}

/** The run now executing (or the first queued one). */
export function currentRunId(): string | undefined {
  const s = runStore.get();
  return (
    s.queue.find((q) => q.state === 'running')?.runId ??
    (s.current && s.runs[s.current]?.phase === 'running' ? s.current : undefined)
  );
}

export async function cancelRun(runId = currentRunId()): Promise<void> {
  if (!runId) return;
  try {
    await api()['run.cancel']({ runId });
  } catch (e) {
    toast(`Cancel failed: ${(e as Error).message}`, 'error');
  }
}
