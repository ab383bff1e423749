/**
 * A tiny typed event emitter. A handler that throws does not stop the others: its
 * error goes to the `onHandlerError` callback (the client turns it into an `error`
 * event), never to the code that emitted.
 */

/** Unsubscribes the handler it was returned for. Calling it twice is harmless. */
export type Unsubscribe = () => void;

type Handler<A> = (payload: A) => void;

/** Emits events whose payload types are given by the map `M`. */
export class Emitter<M extends object> {
  private readonly handlers = new Map<keyof M, Set<Handler<never>>>();

  constructor(private readonly onHandlerError: (error: unknown, event: keyof M) => void = () => undefined) {}

  /** Calls `handler` for every `event`; returns the function that stops it. */
  on<K extends keyof M>(event: K, handler: (payload: M[K]) => void): Unsubscribe {
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    const entry = handler as Handler<never>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every handler of `event` with `payload`, in subscription order. */
  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<M[K]>)(payload);
      } catch (error) {
        if (event === 'error') continue;
        this.onHandlerError(error, event);
      }
    }
  }

  /** True when at least one handler listens to `event`. */
  has(event: keyof M): boolean {
    return (this.handlers.get(event)?.size ?? 0) > 0;
  }

  /** Removes every handler. */
  clear(): void {
    this.handlers.clear();
  }
}
