/** The editor window: toolbar, tabs, node library, canvas, side panel, progress, toasts. */
import { useEffect, useState } from 'react';
import { api } from './bridge/api';
import { Canvas } from './editor/Canvas';
import { isEditable } from './editor/canvas-keys';
import { NodeLibrary } from './editor/NodeLibrary';
import { ProgressBar } from './panels/ProgressBar';
import { SidePanel } from './panels/SidePanel';
import { TabBar } from './panels/TabBar';
import { TemplatesDialog } from './panels/TemplatesDialog';
import { Toasts } from './panels/Toasts';
import { Toolbar } from './panels/Toolbar';
import { loadCatalog, useCatalog } from './state/catalog-store';
import { activeTab, newTab, useEditor } from './state/editor-store';
import { restoreAutosave, saveTab, startAutosave } from './state/files';
import { cancelRun, currentRunId, runActiveTab } from './state/run-actions';
import { handleHostEvent, setHistory, setQueue } from './state/run-store';

async function start(): Promise<void> {
  await loadCatalog();
  const restored = await restoreAutosave();
  if (!restored) newTab();
  const [queue, history] = await Promise.all([api()['queue.list']({}), api()['history.list']({ limit: 100 })]);
  setQueue(queue);
  setHistory(history);
}

export function App() {
  const activeId = useEditor((s) => s.activeId);
  const { loaded } = useCatalog();
  const [ready, setReady] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);

  useEffect(() => {
    const off = api().onEvent(handleHostEvent);
    let stopAutosave: (() => void) | undefined;
    void start().finally(() => {
      stopAutosave = startAutosave();
      setReady(true);
      document.body.dataset.ready = 'true';
    });
    return () => {
      off();
      stopAutosave?.();
    };
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === 'Enter') {
        e.preventDefault();
        void runActiveTab();
      } else if (e.key === 'Escape' && !isEditable(document.activeElement) && currentRunId()) {
        void cancelRun();
      } else if (mod && e.key.toLowerCase() === 's') {
        e.preventDefault();
        const t = activeTab();
        if (t) saveTab(t.id, e.shiftKey);
      } else if (mod && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        document.querySelector<HTMLInputElement>('[data-testid="open-file-input"]')?.click();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="app">
      <Toolbar onTemplates={() => setTemplatesOpen(true)} />
      <ProgressBar />
      <div className="workspace">
        <NodeLibrary />
        <main className="center">
          <TabBar />
          {ready && loaded && activeId ? <Canvas key={activeId} tabId={activeId} /> : <div className="canvas loading">Loading…</div>}
        </main>
        <SidePanel />
      </div>
      {templatesOpen && <TemplatesDialog onClose={() => setTemplatesOpen(false)} />}
      <Toasts />
    </div>
  );
}
