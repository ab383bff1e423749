/**
 * What `parley tail` has shown becomes read, as in any chat app that has the
 * conversation open: one read receipt for the newest shown seq, never one per
 * message of a burst (a receipt waits for the one before it, then covers
 * everything shown meanwhile). A receipt refused while offline is sent again on
 * reconnect. It owns no printing and no connection.
 */

/** Sends the read cursor: resolves once the server took it. */
export type SendRead = (seq: number) => Promise<void>;

export class ReadMarker {
  private wanted = 0;
  private sent = 0;
  private running: Promise<void> | undefined;

  constructor(private readonly send: SendRead) {}

  /** Everything up to `seq` has been shown. */
  shown(seq: number): void {
    if (seq > this.wanted) this.wanted = seq;
    this.flush();
  }

  /** Tries again what was not sent (after a reconnect). */
  retry(): void {
    this.flush();
  }

  /** Resolves when nothing is in flight (what failed stays wanted), or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.running ?? Promise.resolve(), timeout]);
    clearTimeout(timer);
  }

  private flush(): void {
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    while (this.wanted > this.sent) {
      const seq = this.wanted;
      try {
        await this.send(seq);
      } catch {
        // Offline or refused: the next message or the reconnect tries again.
        return;
      }
      this.sent = Math.max(this.sent, seq);
    }
  }
}
