/** The templates browser: title, description and thumbnail of each; opening one makes a new tab. */
import { useEffect, useState } from 'react';
import type { TemplateInfo } from '../../nodes/api/contract';
import { api } from '../bridge/api';
import { openTab } from '../state/editor-store';

export function TemplatesDialog({ onClose }: { onClose: () => void }) {
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api()
      ['templates.list']({})
      .then(setTemplates)
      .catch((e: Error) => setError(`Could not list the templates: ${e.message}`));
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal templates" role="dialog" aria-label="Templates" data-testid="templates-dialog">
        <div className="modal-head">
          <span>Templates</span>
          <button onClick={onClose} aria-label="close">
            ×
          </button>
        </div>
        {error && <div className="panel-error">{error}</div>}
        {!templates && !error && <div className="panel-empty">Loading…</div>}
        <div className="template-grid">
          {templates?.map((t) => (
            <button
              key={t.id}
              className="template-card"
              data-testid={`template-${t.id}`}
              onClick={() => {
                openTab(t.doc, { title: t.title });
                onClose();
              }}
            >
              {t.thumbnail ? (
                <img src={t.thumbnail} alt="" />
              ) : (
                <div className="template-noimg">{t.title.slice(0, 1)}</div>
              )}
              <span className="template-title">{t.title}</span>
              <span className="template-desc">{t.description}</span>
            </button>
          ))}
          {templates?.length === 0 && <div className="panel-empty">No templates found.</div>}
        </div>
      </div>
    </div>
  );
}
