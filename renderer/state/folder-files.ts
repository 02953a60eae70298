/** Listings of the host's folders (`files.list`), shared by the file widgets for a few seconds. */
import type { FileEntry, RequestParams } from '../../nodes/api/contract';
import { api } from '../bridge/api';

type FolderKind = RequestParams<'files.list'>['folder'];

const FRESH_MS = 5000;
const cache = new Map<FolderKind, { at: number; list: Promise<FileEntry[]> }>();

/** The files of a folder kind; `refresh` asks the host again instead of reusing a recent answer. */
export function listFolder(folder: FolderKind, refresh = false, now = Date.now()): Promise<FileEntry[]> {
  const hit = cache.get(folder);
  if (hit && !refresh && now - hit.at < FRESH_MS) return hit.list;
  const list = api()['files.list']({ folder });
  cache.set(folder, { at: now, list });
  void list.catch(() => {
    if (cache.get(folder)?.list === list) cache.delete(folder);
  });
  return list;
}
