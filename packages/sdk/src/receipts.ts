/**
 * Automatic `delivered` receipts. Each message handed to the app moves the
 * conversation's delivered mark; marks are batched (one `receipt.set` per
 * conversation per batch, carrying the highest seq) and sent only when the
 * connection is up. A mark that could not be sent is kept for the next batch.
 * Because messages reach the app in seq order, the mark is always a contiguous
 * cursor, which is what the server resumes from for a device without cursors.
 */
import { toParleyError, type ParleyError } from './errors';
import { realTimers, type TimerHandle, type Timers } from './timers';

/** Options of a {@link DeliveredReceipts} batcher. */
export interface DeliveredReceiptsOptions {
  /** Sends one `receipt.set` with kind `delivered`. */
  send: (conversationId: string, seq: number) => Promise<unknown>;
  /** Batching window in milliseconds. Default 250. */
  delayMs?: number;
  timers?: Timers;
  /** Told about failures other than a lost connection. */
  onError?: (error: ParleyError) => void;
}

/** Batches delivered marks per conversation. */
export class DeliveredReceipts {
  private readonly due = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly timers: Timers;
  private timer: TimerHandle | undefined;
  private online = false;

  constructor(private readonly options: DeliveredReceiptsOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** Records that the app now holds every message of the conversation up to `seq`. */
  note(conversationId: string, seq: number): void {
    if (seq <= Math.max(this.due.get(conversationId) ?? 0, this.sent.get(conversationId) ?? 0)) return;
    this.due.set(conversationId, seq);
    this.schedule();
  }

  /** Tells the batcher whether it can send; going online sends what is due. */
  setOnline(online: boolean): void {
    this.online = online;
    if (online) this.schedule();
  }

  /** Drops the marks of a conversation we left. */
  forget(conversationId: string): void {
    this.due.delete(conversationId);
    this.sent.delete(conversationId);
  }

  /** Drops every mark (the store the seqs belonged to is gone: see the client's `reset`). */
  reset(): void {
    this.due.clear();
    this.sent.clear();
  }

  /** Cancels the pending batch. */
  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.online = false;
  }

  private schedule(): void {
    if (!this.online || this.timer !== undefined || this.due.size === 0) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.options.delayMs ?? 250);
  }

  private flush(): void {
    if (!this.online) return;
    const batch = [...this.due];
    this.due.clear();
    for (const [conversationId, seq] of batch) {
      this.sent.set(conversationId, Math.max(seq, this.sent.get(conversationId) ?? 0));
      this.options.send(conversationId, seq).catch((reason: unknown) => {
        const error = toParleyError(reason);
        if (error.retryable) {
          // Keep the mark for the next batch unless a newer one superseded it.
          if ((this.sent.get(conversationId) ?? 0) <= seq) this.sent.set(conversationId, seq - 1);
          if (seq > (this.due.get(conversationId) ?? 0)) this.due.set(conversationId, seq);
          this.schedule();
        }
        if (error.localFailure === undefined) this.options.onError?.(error);
      });
    }
  }
}
