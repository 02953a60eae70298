/** Editor preferences kept in localStorage: snap to grid, minimap, which side panel is open. */
import { createStore, useStore } from './store-core';

export type SidePanel = 'outputs' | 'queue' | 'history';

export interface UiPrefs {
  snap: boolean;
  minimap: boolean;
  panel: SidePanel;
  libraryOpen: boolean;
}

const KEY = 'wan-studio.ui';
const DEFAULTS: UiPrefs = { snap: false, minimap: true, panel: 'outputs', libraryOpen: true };

function load(): UiPrefs {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? { ...DEFAULTS, ...(JSON.parse(raw) as Partial<UiPrefs>) } : DEFAULTS;
  } catch {
    return DEFAULTS;
  }
}

export const uiStore = createStore<UiPrefs>(load());
uiStore.subscribe(() => {
  try {
    localStorage.setItem(KEY, JSON.stringify(uiStore.get()));
  } catch {
    // storage full or disabled: preferences are not essential
  }
});

export function setUi(patch: Partial<UiPrefs>): void {
  uiStore.update((s) => ({ ...s, ...patch }));
}

export function useUi<T>(select: (s: UiPrefs) => T): T {
  return useStore(uiStore, select);
}
