/**
 * XEP-0198 Stream Management bookkeeping for one XMPP session: the count of
 * stanzas handled from the client (`h` we report), and the stanzas we sent that
 * the client has not acknowledged yet, kept serialized so that a resumed stream
 * can write them again as they were. It owns counters and the queue only; the
 * session decides when to enable, ack, detach and resume. Counters wrap at 2^32
 * as the XEP says.
 */
import { randomBytes } from 'node:crypto';

export const NS_SM = 'urn:xmpp:sm:3';
const WRAP = 2 ** 32;

export class StreamManagement {
  enabled = false;
  /** The resumption id; empty when the client did not ask to resume. */
  id = '';
  /** Stanzas handled from the client since enable (the `h` of our `<a/>`). */
  handled = 0;
  /** Stanzas sent since enable; the queue holds the last `queue.length` of them. */
  private sent = 0;
  private queue: string[] = [];

  /** `maxUnacked` bounds the queue: a client that never acknowledges cannot grow it forever. */
  constructor(private readonly maxUnacked: number) {}

  enable(resumable: boolean): void {
    this.enabled = true;
    this.id = resumable ? randomBytes(18).toString('base64url') : '';
  }

  /** Counts a sent stanza; false when the queue is over its bound. */
  track(serialized: string): boolean {
    this.sent = (this.sent + 1) % WRAP;
    this.queue.push(serialized);
    return this.queue.length <= this.maxUnacked;
  }

  /** The client handled `h` stanzas: drop them from the queue (an `h` ahead of what we sent is ignored). */
  ack(h: number): void {
    const acked = (this.sent - h + WRAP) % WRAP; // how many are still unacknowledged
    if (!Number.isInteger(h) || acked > this.queue.length) return;
    this.queue.splice(0, this.queue.length - acked);
  }

  countHandled(): void {
    this.handled = (this.handled + 1) % WRAP;
  }

  get unacked(): readonly string[] {
    return this.queue;
  }
}
