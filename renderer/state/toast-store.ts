/** Short messages shown at the bottom of the window (refused connections, save errors...). */
import { createStore, useStore } from './store-core';

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export const toastStore = createStore<readonly Toast[]>([]);
let next = 1;

export function toast(text: string, kind: Toast['kind'] = 'info', ms = 4000): void {
  const id = next++;
  toastStore.update((list) => [...list.slice(-3), { id, kind, text }]);
  setTimeout(() => toastStore.update((list) => list.filter((t) => t.id !== id)), ms);
}

export function useToasts(): readonly Toast[] {
  return useStore(toastStore, (s) => s);
}
