/** The node library: every catalog entry by category, searchable; drag onto the canvas or click to add. */
import { memo, useMemo, useState } from 'react';
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import { SOCKET_COLORS } from '../../nodes/sdk/sockets';
import { useCatalog } from '../state/catalog-store';
import { activeCanvas, NODE_DND_TYPE } from './canvas-registry';
import { matchesQuery } from './node-match';

const LibraryItem = memo(function LibraryItem({ entry }: { entry: NodeCatalogEntry }) {
  const types = [
    ...new Set([...Object.values(entry.inputs), ...Object.values(entry.outputs)].map((s) => s.type)),
  ].slice(0, 6);
  return (
    <li
      className="lib-item"
      draggable
      data-testid={`lib-item-${entry.id}`}
      title={`${entry.description}\n(${entry.id}) — drag onto the canvas or click to add`}
      onDragStart={(e) => {
        e.dataTransfer.setData(NODE_DND_TYPE, entry.id);
        e.dataTransfer.setData('text/plain', entry.title);
        e.dataTransfer.effectAllowed = 'copyMove';
      }}
      onClick={() => activeCanvas()?.addNodeAtCenter(entry.id)}
    >
      <span className="lib-title">{entry.title}</span>
      <span className="lib-dots">
        {types.map((t) => (
          <i key={t} style={{ background: SOCKET_COLORS[t] }} />
        ))}
      </span>
    </li>
  );
});

export function NodeLibrary() {
  const { entries, error } = useCatalog();
  const [query, setQuery] = useState('');
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set());
  const byCategory = useMemo(() => {
    const m = new Map<string, NodeCatalogEntry[]>();
    for (const e of entries)
      if (matchesQuery(e, query)) (m.get(e.category) ?? m.set(e.category, []).get(e.category)!).push(e);
    return [...m.entries()];
  }, [entries, query]);
  return (
    <aside className="library" data-testid="node-library">
      <div className="panel-head">Nodes</div>
      <input
        className="library-search"
        placeholder="Search by name or category"
        value={query}
        data-testid="library-search"
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <div className="panel-error">{error}</div>}
      <div className="library-list">
        {byCategory.map(([cat, items]) => {
          const open = query.trim() !== '' || !closed.has(cat);
          return (
            <section key={cat}>
              <button
                className="lib-cat"
                onClick={() =>
                  setClosed((s) =>
                    s.has(cat) ? new Set([...s].filter((x) => x !== cat)) : new Set([...s, cat]),
                  )
                }
              >
                <span>{open ? '▾' : '▸'}</span> {cat} <em>{items.length}</em>
              </button>
              {open && (
                <ul>
                  {items.map((e) => (
                    <LibraryItem key={e.id} entry={e} />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
        {byCategory.length === 0 && entries.length > 0 && (
          <div className="panel-empty">No node matches “{query}”.</div>
        )}
      </div>
    </aside>
  );
}
