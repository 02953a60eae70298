/** Open workflows as tabs: title, unsaved/restored marks, close. */
import { activateTab, closeTab, newTab, useEditor } from '../state/editor-store';

export function TabBar() {
  const tabs = useEditor((s) => s.tabs);
  const activeId = useEditor((s) => s.activeId);
  return (
    <div className="tabbar" role="tablist">
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tab"
          aria-selected={t.id === activeId}
          className={`tab${t.id === activeId ? ' active' : ''}`}
          data-testid={`tab-${t.id}`}
          data-title={t.title}
          onClick={() => activateTab(t.id)}
          onAuxClick={(e) => e.button === 1 && closeTab(t.id)}
          title={
            t.restored
              ? `${t.title} — restored from the last session${t.path ? ` (${t.path})` : ''}`
              : t.title
          }
        >
          <span className="tab-title">{t.title}</span>
          {t.restored && (
            <span className="tab-restored" title="Restored from autosave">
              ↺
            </span>
          )}
          {t.dirty && (
            <span className="tab-dirty" title="Unsaved changes">
              ●
            </span>
          )}
          <button
            className="tab-close"
            aria-label={`close ${t.title}`}
            onClick={(e) => {
              e.stopPropagation();
              if (!t.dirty || window.confirm(`Close “${t.title}” without saving?`)) closeTab(t.id);
            }}
          >
            ×
          </button>
        </div>
      ))}
      <button className="tab-new" onClick={() => newTab()} title="New tab" aria-label="new tab">
        +
      </button>
    </div>
  );
}
