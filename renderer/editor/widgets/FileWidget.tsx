/**
 * FILE widget: a picker listing `files.list` of the input's folder (fetched when opened), with a
 * thumbnail for images — its URL made from the absolute path the host lists (`fileUrl`).
 * Folders the host cannot list fall back to a text field.
 */
import { memo, useEffect, useState } from 'react';
import { FolderKind, type FileEntry } from '../../../nodes/api/contract';
import type { FileInput } from '../../../nodes/sdk/define';
import { fileUrl } from '../../bridge/api';
import { listFolder } from '../../state/folder-files';
import { toast } from '../../state/toast-store';
import { endEdit, writeValue, type WidgetProps } from './widget-props';

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

/** A URL for an input image shown as a thumbnail: the host's URL or path for it, or the value itself when absolute. */
export function inputFileUrl(name: string, entry?: FileEntry): string | undefined {
  if (entry?.url) return entry.url;
  if (entry?.path) return fileUrl(entry.path);
  if (name && isAbsolute(name)) return fileUrl(name);
  return undefined;
}

export const FileWidget = memo(function FileWidget(props: WidgetProps<FileInput>) {
  const { tabId, nodeId, name, label, spec } = props;
  const value = typeof props.value === 'string' ? props.value : spec.default;
  const [files, setFiles] = useState<FileEntry[] | null>(null);
  const [loading, setLoading] = useState(false);
  const folder = FolderKind.safeParse(spec.folder);

  const exts = spec.extensions;
  const keep = (list: FileEntry[]) =>
    exts ? list.filter((f) => exts.some((x) => f.name.toLowerCase().endsWith(x))) : list;

  const refresh = () => {
    if (!folder.success || loading) return;
    setLoading(true);
    listFolder(folder.data, true)
      .then((list) => setFiles(keep(list)))
      .catch((e: Error) => toast(`Could not list ${spec.folder}: ${e.message}`, 'error'))
      .finally(() => setLoading(false));
  };

  // an image already chosen (a reopened workflow) needs the listing for its thumbnail
  const folderKind = folder.success ? folder.data : undefined;
  const wantsThumb = spec.kind === 'image' && !!value && !isAbsolute(value) && folderKind !== undefined;
  useEffect(() => {
    if (!wantsThumb || files !== null || !folderKind) return;
    let live = true;
    listFolder(folderKind)
      .then((list) => {
        if (live) setFiles(keep(list));
      })
      .catch(() => undefined); // the thumbnail is optional; opening the picker reports errors
    return () => {
      live = false;
    };
  }, [wantsThumb, folderKind]);

  const set = (v: string) => {
    writeValue(tabId, nodeId, name, v);
    endEdit(tabId);
  };

  const names = (files ?? []).map((f) => f.name);
  const options = value && !names.includes(value) ? [value, ...names] : names;
  const thumb =
    spec.kind === 'image'
      ? inputFileUrl(
          value,
          files?.find((f) => f.name === value),
        )
      : undefined;

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
            <option value="">
              {loading ? 'loading…' : files !== null && options.length === 0 ? '(none)' : '(choose)'}
            </option>
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
          <button
            className="w-refresh nodrag"
            title="Refresh the list"
            aria-label="refresh"
            onClick={refresh}
          >
            ⟳
          </button>
        )}
      </label>
      {thumb && <img className="w-thumb" src={thumb} alt={value} loading="lazy" />}
    </div>
  );
});
