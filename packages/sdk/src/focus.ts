/**
 * The conversation this device shows in front of its user (`client.focus`): while it
 * holds, the server sends no push of that conversation to any of the user's devices
 * (docs/notifications.md). The server forgets a focus after `expiresInMs` (and when the
 * connection closes), so while one is set this repeats it at half that time, and again
 * on every new connection. Nothing is queued offline: a focus only means something to a
 * connected device.
 */
import type { Connection } from './connection';
import type { ParleyError } from './errors';
import { toParleyError } from './errors';
import type { TimerHandle, Timers } from './timers';

export class FocusTracker {
  private conversationId: string | null = null;
  private timer: TimerHandle | undefined;
  private online = false;

  constructor(
    private readonly connection: Connection,
    private readonly timers: Timers,
    private readonly onError: (error: ParleyError) => void,
  ) {}

  /** The conversation in front of the user, or null (window hidden or unfocused, no conversation open). */
  get current(): string | null {
    return this.conversationId;
  }

  /**
   * Says which conversation this device shows (null: none). Sent at once when connected,
   * otherwise on connecting; resolves when the server has it (or at once offline).
   */
  async set(conversationId: string | null): Promise<void> {
    if (conversationId === this.conversationId) return;
    this.conversationId = conversationId;
    if (this.online) await this.send();
  }

  /** The connection is (again) authenticated and in sync, or went away. */
  setOnline(online: boolean): void {
    this.online = online;
    this.cancel();
    if (online && this.conversationId !== null)
      this.send().catch((error: unknown) => this.onError(toParleyError(error)));
  }

  private cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async send(): Promise<void> {
    this.cancel();
    const conversationId = this.conversationId;
    const { expiresInMs } = await this.connection.request('focus.set', { conversationId });
    // Repeat while the same focus holds and the connection is up.
    if (conversationId === null || conversationId !== this.conversationId || !this.online) return;
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.send().catch((error: unknown) => this.onError(toParleyError(error)));
      },
      Math.max(1000, Math.floor(expiresInMs / 2)),
    );
  }
}
