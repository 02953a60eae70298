/**
 * A minimal external store: immutable state, subscribe/notify, and a React hook that re-renders a
 * component only when its selected slice changes (useSyncExternalStore).
 */
import { useSyncExternalStore } from 'react';

export interface Store<S> {
  get: () => S;
  set: (next: S) => void;
  update: (fn: (s: S) => S) => void;
  subscribe: (listener: () => void) => () => void;
}

export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  const store: Store<S> = {
    get: () => state,
    set(next) {
      if (next === state) return;
      state = next;
      for (const l of [...listeners]) l();
    },
    update(fn) {
      store.set(fn(state));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return store;
}

/** The slice of `store` that `select` picks; re-renders when it changes (Object.is). */
export function useStore<S, T>(store: Store<S>, select: (s: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.get()),
    () => select(store.get()),
  );
}
