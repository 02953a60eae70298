/** The node catalog and host settings, loaded once from the host. */
import type { NodeCatalogEntry } from '../../nodes/engine/catalog';
import type { Settings } from '../../nodes/host/settings';
import { api } from '../bridge/api';
import { indexCatalog, type CatalogIndex } from './doc-ops';
import { createStore, useStore } from './store-core';

export interface CatalogState {
  entries: readonly NodeCatalogEntry[];
  index: CatalogIndex;
  settings?: Settings;
  loaded: boolean;
  error?: string;
}

export const catalogStore = createStore<CatalogState>({ entries: [], index: new Map(), loaded: false });

export async function loadCatalog(): Promise<void> {
  try {
    const [catalog, settings] = await Promise.all([api()['nodes.catalog']({}), api()['settings.get']({})]);
    catalogStore.set({ entries: catalog.nodes, index: indexCatalog(catalog.nodes), settings, loaded: true });
  } catch (e) {
    catalogStore.set({
      ...catalogStore.get(),
      loaded: true,
      error: `Could not load the node catalog: ${(e as Error).message}`,
    });
  }
}

export function useCatalog(): CatalogState {
  return useStore(catalogStore, (s) => s);
}
