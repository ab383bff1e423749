/**
 * Request correlation for one WebSocket: each client frame gets an id, and the
 * matching `result` or `error` frame (`re` = id) settles its promise (P1). A request
 * that gets no answer within its timeout, or whose connection drops, is rejected
 * with a retryable error. It owns no socket: the connection calls in.
 */
import { localError, type ParleyError } from './errors';
import type { TimerHandle, Timers } from './timers';

interface Pending {
  resolve(data: unknown): void;
  reject(error: ParleyError): void;
  timer: TimerHandle;
}

/** The table of requests waiting for an answer. */
export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(
    private readonly timers: Timers,
    private readonly prefix = '',
  ) {}

  /** A fresh request id, unique for the lifetime of this table. */
  nextId(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter.toString(36)}`;
  }

  /** Registers a request; the promise settles on its answer, timeout or disconnect. */
  add(id: string, timeoutMs: number): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(localError('timeout', `request ${id} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  /** Settles a request with its `result` data. Returns false for an unknown id. */
  resolve(id: string, data: unknown): boolean {
    const entry = this.take(id);
    entry?.resolve(data);
    return entry !== undefined;
  }

  /** Settles a request with its `error`. Returns false for an unknown id. */
  reject(id: string, error: ParleyError): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every waiting request (the connection dropped). */
  rejectAll(error: ParleyError): void {
    const entries = [...this.pending.values()];
    for (const entry of entries) this.timers.clearTimeout(entry.timer);
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }

  /** Number of requests waiting for an answer. */
  get size(): number {
    return this.pending.size;
  }

  private take(id: string): Pending | undefined {
    const entry = this.pending.get(id);
    if (entry === undefined) return undefined;
    this.pending.delete(id);
    this.timers.clearTimeout(entry.timer);
    return entry;
  }
}
