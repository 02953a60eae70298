/**
 * The search box opened by double-clicking the canvas (or by dropping a link on empty canvas, then
 * listing only nodes with a compatible socket). Enter / click adds the node at the cursor.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import { SOCKET_COLORS } from '../../nodes/sdk/sockets';
import { useCatalog } from '../state/catalog-store';
import { compatibleSocket, rank, type LinkFilter } from './node-match';

export interface SearchRequest {
  /** Where to show the box (client pixels). */
  screen: { x: number; y: number };
  link?: LinkFilter;
}

export function NodeSearch(props: {
  request: SearchRequest;
  onPick: (entry: NodeCatalogEntry, socket: string | undefined) => void;
  onClose: () => void;
}) {
  const { request, onPick, onClose } = props;
  const { entries } = useCatalog();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const link = request.link;

  const results = useMemo(() => {
    const pool = link ? entries.filter((e) => compatibleSocket(e, link) !== undefined) : entries;
    return rank(pool, query).slice(0, 40);
  }, [entries, link, query]);

  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    window.addEventListener('pointerdown', onDown, true);
    return () => window.removeEventListener('pointerdown', onDown, true);
  }, [onClose]);

  const pick = (e: NodeCatalogEntry | undefined) => {
    if (e) onPick(e, link ? compatibleSocket(e, link) : undefined);
  };

  const left = Math.min(request.screen.x, window.innerWidth - 320);
  const top = Math.min(request.screen.y, window.innerHeight - 360);
  return (
    <div className="node-search" ref={box} style={{ left, top }} data-testid="node-search">
      {link && (
        <div className="node-search-hint">
          Nodes that take <b style={{ color: SOCKET_COLORS[link.type] }}>{link.type}</b>
          {link.from === 'output' ? ' as input' : ' as output'}
        </div>
      )}
      <input
        autoFocus
        placeholder="Search nodes…"
        value={query}
        data-testid="node-search-input"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
          else if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter') pick(results[active]);
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      />
      <ul>
        {results.map((e, i) => (
          <li
            key={e.id}
            className={i === active ? 'active' : ''}
            data-testid={`search-result-${e.id}`}
            onMouseEnter={() => setActive(i)}
            onClick={() => pick(e)}
          >
            <span className="ns-title">{e.title}</span>
            <span className="ns-cat">{e.category}</span>
          </li>
        ))}
        {results.length === 0 && <li className="empty">No matching node.</li>}
      </ul>
    </div>
  );
}
