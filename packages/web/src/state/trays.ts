/**
 * The composers' trays: files picked, pasted or dropped wait here, previewed, until
 * they are sent (one message each, the composer's text as the caption of the first)
 * or removed. Limits are checked as files arrive (lib/staging.ts), so a file that the
 * server would refuse for its size never starts uploading. A tray belongs to one
 * composer (`trayKey`): the conversation's, or a thread's.
 */
import { hintsFor } from '../lib/attach';
import { stageFiles } from '../lib/staging';
import { trayKey, type AppState, type StagedTray } from './app-state';
import type { Store } from './store';
import type { Uploads } from './uploads';

const EMPTY: StagedTray = { files: [], errors: [] };
let counter = 0;

export class Trays {
  constructor(
    private readonly store: Store<AppState>,
    private readonly uploads: Uploads,
  ) {}

  private set(key: string, tray: StagedTray): void {
    this.store.update((s) => {
      const staged = { ...s.staged };
      if (tray.files.length === 0 && tray.errors.length === 0) delete staged[key];
      else staged[key] = tray;
      return { ...s, staged };
    });
  }

  /** What the tray of this composer holds. */
  get(conversationId: string, threadId?: string): StagedTray {
    return this.store.get().staged[trayKey(conversationId, threadId)] ?? EMPTY;
  }

  /** Adds files to the tray; those over a limit are refused with a sentence each. */
  add(conversationId: string, threadId: string | undefined, files: readonly File[]): void {
    const tray = this.get(conversationId, threadId);
    const { accepted, errors } = stageFiles(tray.files.length, files, this.store.get().limits?.maxFileBytes);
    const added = accepted.map((file) => {
      counter += 1;
      return { id: `staged-${counter}`, file };
    });
    this.set(trayKey(conversationId, threadId), { files: [...tray.files, ...added], errors });
  }

  remove(conversationId: string, threadId: string | undefined, id: string): void {
    const tray = this.get(conversationId, threadId);
    this.set(trayKey(conversationId, threadId), { files: tray.files.filter((f) => f.id !== id), errors: [] });
  }

  dismissErrors(conversationId: string, threadId?: string): void {
    const tray = this.get(conversationId, threadId);
    this.set(trayKey(conversationId, threadId), { files: tray.files, errors: [] });
  }

  /**
   * Sends the tray's files in order and empties it: the caption goes with the first,
   * and so does the quote (`replyTo`). False when the tray was empty.
   */
  async send(
    conversationId: string,
    options: { threadId?: string | undefined; caption?: string | undefined; replyTo?: string | undefined },
  ): Promise<boolean> {
    const { files } = this.get(conversationId, options.threadId);
    if (files.length === 0) return false;
    this.set(trayKey(conversationId, options.threadId), EMPTY);
    const hinted = await Promise.all(files.map(async ({ file }) => ({ file, hints: await hintsFor(file) })));
    this.uploads.sendAll(conversationId, hinted, options);
    return true;
  }
}
