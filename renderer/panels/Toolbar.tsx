/** The top bar: file commands, templates, canvas toggles, Run / Cancel — the same commands as the keys and the native menu. */
import { runCommand } from '../commands/app-commands';
import { shortcutLabel, type CommandId } from '../commands/keymap';
import { useActiveTab } from '../state/editor-store';
import { importFile } from '../state/files';
import { useRuns } from '../state/run-store';
import { setUi, useUi } from '../state/ui-store';

const MAC = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

/** A tooltip with the command's shortcut. */
function tip(text: string, id: CommandId): string {
  const key = shortcutLabel(id, MAC);
  return key ? `${text} (${key})` : text;
}

export function Toolbar(props: { onTemplates: () => void }) {
  const tab = useActiveTab();
  const snap = useUi((u) => u.snap);
  const minimap = useUi((u) => u.minimap);
  const busy = useRuns((s) => s.queue.length > 0);
  const canUndo = (tab?.history.past.length ?? 0) > 0;
  const canRedo = (tab?.history.future.length ?? 0) > 0;
  return (
    <header className="toolbar">
      <span className="brand">Wan Studio</span>
      <nav className="tb-group">
        <button
          onClick={() => runCommand('file.new')}
          data-testid="cmd-new"
          title={tip('New workflow', 'file.new')}
        >
          New
        </button>
        <button
          onClick={() => runCommand('file.open')}
          data-testid="cmd-open"
          title={tip('Open a workflow JSON or a video made by Video Out', 'file.open')}
        >
          Open…
        </button>
        <button
          onClick={() => runCommand('file.save')}
          data-testid="cmd-save"
          title={tip('Save the workflow', 'file.save')}
        >
          Save
        </button>
        <button
          onClick={() => runCommand('file.saveAs')}
          data-testid="cmd-save-as"
          title={tip('Save under another name', 'file.saveAs')}
        >
          Save as…
        </button>
        <button
          onClick={() => runCommand('file.export')}
          data-testid="cmd-export"
          title={tip('A shareable copy without local paths', 'file.export')}
        >
          Export
        </button>
        <button onClick={props.onTemplates} data-testid="cmd-templates" title="Start from a template">
          Templates
        </button>
        <input
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
        <button
          disabled={!canUndo}
          onClick={() => runCommand('edit.undo')}
          data-testid="cmd-undo"
          title={tip('Undo', 'edit.undo')}
        >
          ↶
        </button>
        <button
          disabled={!canRedo}
          onClick={() => runCommand('edit.redo')}
          data-testid="cmd-redo"
          title={tip('Redo', 'edit.redo')}
        >
          ↷
        </button>
        <button
          onClick={() => runCommand('edit.group')}
          title={tip('Group the selected nodes', 'edit.group')}
          data-testid="cmd-group"
        >
          Group
        </button>
        <button
          onClick={() => runCommand('view.fit')}
          title={tip('Fit the graph in view', 'view.fit')}
          data-testid="cmd-fit"
        >
          Fit
        </button>
        <button
          className={snap ? 'on' : ''}
          aria-pressed={snap}
          onClick={() => setUi({ snap: !snap })}
          title="Snap nodes to a 10 px grid"
          data-testid="cmd-snap"
        >
          Snap
        </button>
        <button
          className={minimap ? 'on' : ''}
          aria-pressed={minimap}
          onClick={() => runCommand('view.toggleMinimap')}
          title={tip('Show the minimap', 'view.toggleMinimap')}
          data-testid="cmd-minimap"
        >
          Map
        </button>
      </nav>
      <div className="tb-spacer" />
      <nav className="tb-group">
        <button
          className="run"
          onClick={() => runCommand('run.start')}
          data-testid="cmd-run"
          title={tip('Validate and queue this workflow', 'run.start')}
        >
          ▶ Run
        </button>
        <button
          className="cancel"
          disabled={!busy}
          onClick={() => runCommand('run.cancel')}
          data-testid="cmd-cancel"
          title={tip('Cancel the running workflow', 'run.cancel')}
        >
          ■ Cancel
        </button>
      </nav>
    </header>
  );
}
