/** The top bar: file commands, templates, canvas toggles, Run / Cancel. */
import { useRef } from 'react';
import { activeCanvas } from '../editor/canvas-registry';
import { activeTab, newTab, redoDoc, undoDoc, useActiveTab } from '../state/editor-store';
import { exportTab, importFile, saveTab } from '../state/files';
import { cancelRun, runActiveTab } from '../state/run-actions';
import { useRuns } from '../state/run-store';
import { setUi, useUi } from '../state/ui-store';

export function Toolbar(props: { onTemplates: () => void }) {
  const fileInput = useRef<HTMLInputElement>(null);
  const tab = useActiveTab();
  const snap = useUi((u) => u.snap);
  const minimap = useUi((u) => u.minimap);
  const busy = useRuns((s) => s.queue.length > 0);
  const canUndo = (tab?.history.past.length ?? 0) > 0;
  const canRedo = (tab?.history.future.length ?? 0) > 0;
  const withTab = (fn: (id: string) => void) => () => {
    const t = activeTab();
    if (t) fn(t.id);
  };
  return (
    <header className="toolbar">
      <span className="brand">Wan Studio</span>
      <nav className="tb-group">
        <button onClick={() => newTab()} data-testid="cmd-new" title="New workflow (Ctrl+T)">
          New
        </button>
        <button onClick={() => fileInput.current?.click()} data-testid="cmd-open" title="Open a workflow JSON or a video made by Video Out (Ctrl+O)">
          Open…
        </button>
        <button onClick={withTab((id) => saveTab(id))} data-testid="cmd-save" title="Save (download) the workflow (Ctrl+S)">
          Save
        </button>
        <button onClick={withTab((id) => saveTab(id, true))} data-testid="cmd-save-as" title="Save under another name (Ctrl+Shift+S)">
          Save as…
        </button>
        <button onClick={withTab((id) => void exportTab(id))} data-testid="cmd-export" title="A shareable copy without local paths">
          Export
        </button>
        <button onClick={props.onTemplates} data-testid="cmd-templates" title="Start from a template">
          Templates
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.mp4,.webm,.mkv,.mov,application/json,video/*"
          multiple
          hidden
          data-testid="open-file-input"
          onChange={(e) => {
            for (const f of Array.from(e.target.files ?? [])) void importFile(f);
            e.target.value = '';
          }}
        />
      </nav>
      <nav className="tb-group">
        <button disabled={!canUndo} onClick={withTab(undoDoc)} data-testid="cmd-undo" title="Undo (Ctrl+Z)">
          ↶
        </button>
        <button disabled={!canRedo} onClick={withTab(redoDoc)} data-testid="cmd-redo" title="Redo (Ctrl+Shift+Z)">
          ↷
        </button>
        <button onClick={() => activeCanvas()?.groupSelection()} title="Group the selected nodes (Ctrl+G)" data-testid="cmd-group">
          Group
        </button>
        <button onClick={() => activeCanvas()?.fitView()} title="Fit the graph in view" data-testid="cmd-fit">
          Fit
        </button>
        <button className={snap ? 'on' : ''} onClick={() => setUi({ snap: !snap })} title="Snap nodes to a 10 px grid" data-testid="cmd-snap">
          Snap
        </button>
        <button className={minimap ? 'on' : ''} onClick={() => setUi({ minimap: !minimap })} title="Show the minimap">
          Map
        </button>
      </nav>
      <div className="tb-spacer" />
      <nav className="tb-group">
        <button className="run" onClick={() => void runActiveTab()} data-testid="cmd-run" title="Validate and queue this workflow (Ctrl+Enter)">
          ▶ Run
        </button>
        <button className="cancel" disabled={!busy} onClick={() => void cancelRun()} data-testid="cmd-cancel" title="Cancel the running workflow (Esc)">
          ■ Cancel
        </button>
      </nav>
    </header>
  );
}
