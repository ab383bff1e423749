/**
 * A minimal external store: one immutable state value, replaced by updaters and
 * read by React through useSyncExternalStore. Selectors must return values that
 * already live in the state (or primitives), so that an unrelated change does not
 * re-render a component.
 */
import { useSyncExternalStore } from 'react';

export class Store<S> {
  private listeners = new Set<() => void>();

  constructor(private state: S) {}

  get = (): S => this.state;

  update(updater: (state: S) => S): void {
    const next = updater(this.state);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

export function useSelector<S, T>(store: Store<S>, selector: (state: S) => T): T {
  return useSyncExternalStore(store.subscribe, () => selector(store.get()));
}
