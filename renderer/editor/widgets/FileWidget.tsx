/**
 * FILE widget: a picker listing `files.list` of the input's folder (fetched when opened), with a
 * thumbnail for images. Folders the host cannot list fall back to a text field.
 */
import { memo, useState } from 'react';
import { FolderKind, type FileEntry } from '../../../nodes/api/contract';
import type { FileInput } from '../../../nodes/sdk/define';
import { api, fileUrl } from '../../bridge/api';
import { catalogStore } from '../../state/catalog-store';
import { toast } from '../../state/toast-store';
import { endEdit, writeValue, type WidgetProps } from './widget-props';

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

/** A URL for an input image shown as a thumbnail. */
export function inputFileUrl(name: string, entry?: FileEntry): string | undefined {
  if (entry?.url) return entry.url;
  if (!name) return undefined;
  if (isAbsolute(name)) return fileUrl(name);
  const dir = catalogStore.get().settings?.inputDir;
  return dir ? fileUrl(`${dir.replace(/[\\/]+$/, '')}/${name}`) : undefined;
}

export const FileWidget = memo(function FileWidget(props: WidgetProps<FileInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const value = typeof props.value === 'string' ? props.value : spec.default;
  const [files, setFiles] = useState<FileEntry[] | null>(null);
  const [loading, setLoading] = useState(false);
  const folder = FolderKind.safeParse(spec.folder);

  const refresh = () => {
    if (!folder.success || loading) return;
    setLoading(true);
    api()
      ['files.list']({ folder: folder.data })
      .then((list) => {
        const exts = spec.extensions;
        setFiles(exts ? list.filter((f) => exts.some((x) => f.name.toLowerCase().endsWith(x))) : list);
      })
      .catch((e: Error) => toast(`Could not list ${spec.folder}: ${e.message}`, 'error'))
      .finally(() => setLoading(false));
  };

  const set = (v: string) => {
    writeValue(tabId, nodeId, name, v);
    endEdit(tabId);
  };

  const names = (files ?? []).map((f) => f.name);
  const options = value && !names.includes(value) ? [value, ...names] : names;
  const thumb = spec.kind === 'image' ? inputFileUrl(value, files?.find((f) => f.name === value)) : undefined;

  return (
    <div className="w-row w-file" data-testid={`widget-${nodeId}-${name}`}>
      <label className="w-inline" title={spec.description ?? `${label} (${spec.folder})`}>
        <span className="w-label">{label}</span>
        {folder.success ? (
          <select
            className="nodrag"
            value={value}
            data-testid={`input-${nodeId}-${name}`}
            onMouseDown={() => files === null && refresh()}
            onFocus={() => files === null && refresh()}
            onChange={(e) => set(e.target.value)}
          >
            <option value="">{loading ? 'loading…' : files !== null && options.length === 0 ? '(none)' : '(choose)'}</option>
            {options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            className="nodrag"
            type="text"
            value={value}
            data-testid={`input-${nodeId}-${name}`}
            onChange={(e) => writeValue(tabId, nodeId, name, e.target.value)}
            onBlur={() => endEdit(tabId)}
          />
        )}
        {folder.success && (
          <button className="w-refresh nodrag" title="Refresh the list" aria-label="refresh" onClick={refresh}>
            ⟳
          </button>
        )}
      </label>
      {thumb && <img className="w-thumb" src={thumb} alt={value} loading="lazy" />}
    </div>
  );
});
