/** The editor window: toolbar, tabs, node library, canvas, side panel, progress, toasts. */
import { useEffect, useState } from 'react';
import { api } from './bridge/api';
import { installCommands } from './commands/app-commands';
import { Canvas } from './editor/Canvas';
import { NodeLibrary } from './editor/NodeLibrary';
import { ProgressBar } from './panels/ProgressBar';
import { SidePanel } from './panels/SidePanel';
import { TabBar } from './panels/TabBar';
import { TemplatesDialog } from './panels/TemplatesDialog';
import { Toasts } from './panels/Toasts';
import { Toolbar } from './panels/Toolbar';
import { loadCatalog, useCatalog } from './state/catalog-store';
import { newTab, useEditor } from './state/editor-store';
import { restoreAutosave, startAutosave } from './state/files';
import { handleHostEvent, setHistory, setQueue } from './state/run-store';

async function start(): Promise<void> {
  await loadCatalog();
  const restored = await restoreAutosave();
  if (!restored) newTab();
  const [queue, history] = await Promise.all([
    api()['queue.list']({}),
    api()['history.list']({ limit: 100 }),
  ]);
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

  useEffect(() => installCommands(), []);

  return (
    <div className="app">
      <Toolbar onTemplates={() => setTemplatesOpen(true)} />
      <ProgressBar />
      <div className="workspace">
        <NodeLibrary />
        <main className="center">
          <TabBar />
          {ready && loaded && activeId ? (
            <Canvas key={activeId} tabId={activeId} />
          ) : (
            <div className="canvas loading">Loading…</div>
          )}
        </main>
        <SidePanel />
      </div>
      {templatesOpen && <TemplatesDialog onClose={() => setTemplatesOpen(false)} />}
      <Toasts />
    </div>
  );
}
