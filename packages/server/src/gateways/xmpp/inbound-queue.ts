/**
 * The order and pace of one stream's incoming stanzas: each is handled after the
 * one before it (so one resource's messages commit in the order it sent them),
 * after the stream's rate limit allows it; with too many waiting, reading from the
 * transport pauses until the queue drains (bounded memory per stream).
 */
import type { Clock } from '../../ports/clock';
import type { TokenBucket } from '../ws/token-bucket';

/** Stanzas parsed but not yet handled before reading pauses. */
export const MAX_PENDING = 64;

export interface FlowControl {
  pause(): void;
  resume(): void;
  /** False once the stream is closed (reading is then never resumed). */
  open(): boolean;
}

export class InboundQueue {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly flow: FlowControl,
    private readonly bucket: TokenBucket,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(handle: () => Promise<void>): void {
    this.pending += 1;
    if (this.pending >= MAX_PENDING) this.flow.pause();
    this.chain = this.chain
      .then(() => this.throttle())
      .then(handle)
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.pending -= 1;
        if (this.pending === MAX_PENDING - 1 && this.flow.open()) this.flow.resume();
      });
  }

  /** Past the rate limit, handling (and so, through MAX_PENDING, reading) waits. */
  private async throttle(): Promise<void> {
    const wait = this.bucket.take(this.clock.now());
    if (wait > 0) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, wait));
  }
}
