/**
 * Time as a dependency: the connection, outbox and receipt batcher take their
 * timers from here so tests can drive them with fake time. Defaults to the
 * global timer functions, which exist in browsers and Node alike.
 */

/** Opaque timer handle (a number in browsers, an object in Node). */
export type TimerHandle = object | number;

/** The clock and timer functions the SDK uses. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  now(): number;
}

/** The global timers. */
export const realTimers: Timers = {
  setTimeout: (fn, ms): TimerHandle => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  now: () => Date.now(),
};
