/**
 * The open-loop sender both native load generators use (load.ts: 1:1 pairs;
 * channel.ts: one poster into a channel). Sends follow the clock, not the acks:
 * a server that falls behind builds a queue instead of silently lowering the
 * load. Afterwards it waits for the stragglers, within a bound.
 */
import { now, type Recorder } from './recorder';

/** How long to wait after the last send for acks and deliveries; past it, the rest counts as unsettled. */
const DRAIN_TIMEOUT_MS = 30_000;
const TICK_MS = 5;

const log = (line: string) => process.stderr.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface OpenLoop {
  rate: number;
  durationS: number;
  /** Sends message number `n` with the recorder's text; resolves when it is acknowledged. */
  send: (n: number, text: string) => Promise<unknown>;
  /** Deliveries each acknowledged message makes (1 for a 1:1 message, the connected members for a channel). */
  deliveriesPerMessage: number;
  /** The progress line printed every second, given the seconds elapsed. */
  progress: (elapsedS: number) => string;
}

/** Runs the load into `recorder`; returns the time the first send was due. */
export async function runOpenLoop(recorder: Recorder, load: OpenLoop): Promise<number> {
  const total = load.rate * load.durationS;
  const start = now();
  const progress = setInterval(() => log(load.progress((now() - start) / 1000)), 1000);
  try {
    while (recorder.sent < total) {
      // How many messages the clock says should be out by now: a late tick sends a burst.
      const due = Math.min(total, Math.floor(((now() - start) / 1000) * load.rate));
      while (recorder.sent < due) {
        const n = recorder.sent++;
        const sentAt = now();
        load.send(n, recorder.text(n, sentAt)).then(
          () => recorder.ack(sentAt, now()),
          (error: unknown) => {
            recorder.failed += 1;
            recorder.error(error);
          },
        );
      }
      await sleep(TICK_MS);
    }
    // Wait for the stragglers: every send settled and every acked message delivered.
    const drainStart = now();
    while (
      (recorder.acked + recorder.failed < recorder.sent ||
        recorder.delivered < recorder.acked * load.deliveriesPerMessage) &&
      now() - drainStart < DRAIN_TIMEOUT_MS
    ) {
      await sleep(50);
    }
  } finally {
    clearInterval(progress);
  }
  return start;
}
