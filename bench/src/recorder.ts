/**
 * Counters and latency samples of one load run. Each message's text carries its
 * send time (epoch ms with sub-ms precision), so the recipient computes
 * end-to-end latency from the message alone; senders and recipients share this
 * process, hence one clock.
 */
import { ParleyError } from '@parley/sdk/node';

export const now = (): number => performance.timeOrigin + performance.now();

export class Recorder {
  sent = 0;
  acked = 0;
  failed = 0;
  delivered = 0;
  disconnects = 0;
  readonly errors = new Map<string, number>();
  readonly ackMs: number[] = [];
  readonly e2eMs: number[] = [];
  lastDeliveryAt = 0;

  constructor(private readonly tag: string) {}

  /** The text of message `n`, sent now. */
  text(n: number, sentAt: number): string {
    return `${this.tag} ${sentAt.toFixed(3)} #${n}`;
  }

  /** Records a received message's latency; ignores messages that are not ours. */
  received(text: string, at: number): void {
    if (!text.startsWith(`${this.tag} `)) return;
    const sentAt = Number(text.slice(this.tag.length + 1, text.indexOf(' ', this.tag.length + 1)));
    if (!Number.isFinite(sentAt)) return;
    this.delivered += 1;
    this.e2eMs.push(at - sentAt);
    this.lastDeliveryAt = at;
  }

  ack(sentAt: number, at: number): void {
    this.acked += 1;
    this.ackMs.push(at - sentAt);
  }

  error(error: unknown): void {
    const code = error instanceof ParleyError ? error.code : error instanceof Error ? error.name : 'unknown';
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total + this.disconnects;
  }
}
