/**
 * Messages on their way to the server. Each gets its client id once, when the app
 * sends it; every retry reuses that id, so a retry after a lost ack is answered with
 * the first ack and never stores a second copy (P6). Messages of one conversation
 * go one at a time, in the order they were sent, so a failed-then-retried message
 * cannot be overtaken; different conversations progress independently. A retryable
 * failure keeps the message at the head of its queue (retried after a delay, or on
 * the next connection); a non-retryable one rejects that message only and the
 * queue moves on. The outbox does not know sockets: it is given a `send` function
 * and told when the connection is usable.
 */
import type { Message, SendableContent } from '@parley/protocol';
import { backoffDelay, resolveBackoff } from './backoff';
import { ParleyError, toParleyError } from './errors';
import { newClientId } from './ids';
import { realTimers, type TimerHandle, type Timers } from './timers';

/** A message waiting in the outbox. */
export interface OutboxEntry {
  readonly clientId: string;
  readonly conversationId: string;
  readonly content: SendableContent;
  /** The message this one quotes. */
  readonly replyTo?: string;
  /** The root of the thread this reply belongs to. */
  readonly threadId?: string;
  /** false: sent without link previews. */
  readonly linkPreviews?: false;
  /** When the app sent it (local clock, epoch ms). */
  readonly queuedAt: number;
  /** Send attempts so far. */
  attempts: number;
}

/** The server's answer to a send. */
export interface SendAck {
  message: Message;
  duplicate: boolean;
}

/** Options of an {@link Outbox}. */
export interface OutboxOptions {
  /** Sends one message (the `message.send` frame) and resolves with its ack. */
  send: (entry: OutboxEntry) => Promise<SendAck>;
  /** Called once per message when it is acknowledged. */
  onAcked?: (ack: SendAck, entry: OutboxEntry) => void;
  /** Called once per message when it is given up (non-retryable error or closed outbox). */
  onRejected?: (error: ParleyError, entry: OutboxEntry) => void;
  timers?: Timers;
  random?: () => number;
}

interface Slot {
  entry: OutboxEntry;
  resolve(message: Message): void;
  reject(error: ParleyError): void;
  promise: Promise<Message>;
}

interface Queue {
  slots: Slot[];
  busy: boolean;
  retryTimer: TimerHandle | undefined;
}

const retryBackoff = resolveBackoff({ initialDelayMs: 250, maxDelayMs: 10_000 });

/** Ordered, retrying, idempotent message sending. */
export class Outbox {
  private readonly queues = new Map<string, Queue>();
  private readonly timers: Timers;
  private online = false;

  constructor(private readonly options: OutboxOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /**
   * Queues a message; resolves with the stored message once acknowledged. Queuing
   * the same client id twice returns the first promise. `refs` quote a message
   * (`replyTo`) or put the message in a thread (`threadId`).
   */
  enqueue(
    conversationId: string,
    content: SendableContent,
    clientId: string = newClientId(),
    refs: { replyTo?: string | undefined; threadId?: string | undefined; linkPreviews?: boolean | undefined } = {},
  ): Promise<Message> {
    const existing = this.find(clientId);
    if (existing !== undefined) return existing.promise;
    let resolve!: (message: Message) => void;
    let reject!: (error: ParleyError) => void;
    const promise = new Promise<Message>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // The failure is also reported through onRejected: an app that fires and
    // forgets must not crash on an unhandled rejection.
    promise.catch(() => undefined);
    const entry: OutboxEntry = {
      clientId,
      conversationId,
      content,
      ...(refs.replyTo === undefined ? {} : { replyTo: refs.replyTo }),
      ...(refs.threadId === undefined ? {} : { threadId: refs.threadId }),
      ...(refs.linkPreviews === false ? { linkPreviews: false as const } : {}),
      queuedAt: this.timers.now(),
      attempts: 0,
    };
    this.queue(conversationId).slots.push({ entry, resolve, reject, promise });
    this.pump(conversationId);
    return promise;
  }

  /** Tells the outbox whether sends can go out now; going online flushes every queue. */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) return;
    for (const conversationId of this.queues.keys()) this.pump(conversationId);
  }

  /** Messages not yet acknowledged, per conversation in send order. */
  pending(): OutboxEntry[] {
    return [...this.queues.values()].flatMap((queue) => queue.slots.map((slot) => slot.entry));
  }

  /** Rejects and drops every queued message (the client is closing for good). */
  rejectAll(error: ParleyError): void {
    const queues = [...this.queues.values()];
    this.queues.clear();
    for (const queue of queues) {
      if (queue.retryTimer !== undefined) this.timers.clearTimeout(queue.retryTimer);
      for (const slot of queue.slots) this.settleRejected(slot, error);
    }
  }

  private find(clientId: string): Slot | undefined {
    for (const queue of this.queues.values()) {
      const slot = queue.slots.find((s) => s.entry.clientId === clientId);
      if (slot !== undefined) return slot;
    }
    return undefined;
  }

  private queue(conversationId: string): Queue {
    let queue = this.queues.get(conversationId);
    if (queue === undefined) {
      queue = { slots: [], busy: false, retryTimer: undefined };
      this.queues.set(conversationId, queue);
    }
    return queue;
  }

  private pump(conversationId: string): void {
    const queue = this.queues.get(conversationId);
    if (queue === undefined || !this.online || queue.busy || queue.retryTimer !== undefined) return;
    const slot = queue.slots[0];
    if (slot === undefined) {
      this.queues.delete(conversationId);
      return;
    }
    queue.busy = true;
    slot.entry.attempts += 1;
    let sending: Promise<SendAck>;
    try {
      sending = this.options.send(slot.entry);
    } catch (error) {
      sending = Promise.reject(toParleyError(error));
    }
    sending.then(
      (ack) => {
        queue.busy = false;
        this.remove(queue, slot);
        this.options.onAcked?.(ack, slot.entry);
        slot.resolve(ack.message);
        this.pump(conversationId);
      },
      (reason: unknown) => {
        queue.busy = false;
        const error = toParleyError(reason);
        if (!this.isCurrent(queue, slot)) return;
        if (error.retryable) {
          this.retryLater(conversationId, queue, slot, error);
          return;
        }
        this.remove(queue, slot);
        this.settleRejected(slot, error);
        this.pump(conversationId);
      },
    );
  }

  private retryLater(conversationId: string, queue: Queue, slot: Slot, error: ParleyError): void {
    const failure = error.localFailure;
    // A lost connection is retried when the next one is up (setOnline(true)).
    if (failure === 'disconnected' || failure === 'closed' || !this.online) return;
    const delay =
      error.retryAfterMs ?? backoffDelay(slot.entry.attempts - 1, retryBackoff, this.options.random ?? Math.random);
    queue.retryTimer = this.timers.setTimeout(() => {
      queue.retryTimer = undefined;
      this.pump(conversationId);
    }, delay);
  }

  private isCurrent(queue: Queue, slot: Slot): boolean {
    return this.queues.get(slot.entry.conversationId) === queue && queue.slots[0] === slot;
  }

  private remove(queue: Queue, slot: Slot): void {
    const index = queue.slots.indexOf(slot);
    if (index >= 0) queue.slots.splice(index, 1);
  }

  private settleRejected(slot: Slot, error: ParleyError): void {
    this.options.onRejected?.(error, slot.entry);
    slot.reject(error);
  }
}
