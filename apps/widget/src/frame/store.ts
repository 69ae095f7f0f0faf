import { useEffect, useReducer } from 'preact/hooks';

/** A minimal observable state holder: the chat logic lives outside components, they only read it. */
export class Store<S extends object> {
  #state: S;
  readonly #listeners = new Set<() => void>();

  constructor(initial: S) {
    this.#state = initial;
  }

  get state(): S {
    return this.#state;
  }

  update(patch: Partial<S> | ((state: S) => Partial<S>)): void {
    const changes = typeof patch === 'function' ? patch(this.#state) : patch;
    this.#state = { ...this.#state, ...changes };
    for (const listener of this.#listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Re-renders the component whenever the store changes. */
export function useStore<S extends object>(store: Store<S>): S {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const unsubscribe = store.subscribe(() => rerender(0));
    rerender(0);
    return unsubscribe;
  }, [store]);
  return store.state;
}
