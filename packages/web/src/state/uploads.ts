/**
 * Files on their way out: each upload shows in the conversation with a progress
 * bar and a cancel button, resumes by itself after a dropped connection (the
 * SDK's tus upload), and once stored is sent as a file message through the
 * outbox. Also the signed links the UI puts in <img>, <video> and <audio>.
 */
import { repairName, type FileVariant } from '@parley/protocol';
import { ParleyError, type ParleyClient, type UploadOptions } from '@parley/sdk';
import type { AppState, UploadItem } from './app-state';
import type { Store } from './store';

/** Details the browser can measure before sending (voice recordings, videos). */
export type MediaHints = Pick<UploadOptions, 'kind' | 'durationMs' | 'waveform' | 'width' | 'height' | 'name' | 'type'>;

/** Where a file goes besides its conversation, and its caption. */
export interface FileSendOptions {
  caption?: string | undefined;
  threadId?: string | undefined;
  replyTo?: string | undefined;
}

let counter = 0;

export class Uploads {
  private readonly controllers = new Map<string, AbortController>();
  private readonly urls = new Map<string, Promise<string>>();

  constructor(
    private readonly client: ParleyClient,
    private readonly store: Store<AppState>,
  ) {}

  private patch(id: string, change: Partial<UploadItem> | null): void {
    this.store.update((s) => ({
      ...s,
      uploads:
        change === null
          ? s.uploads.filter((u) => u.id !== id)
          : s.uploads.map((u) => (u.id === id ? { ...u, ...change } : u)),
    }));
  }

  /**
   * Uploads a file and sends it (with an optional caption) to the conversation: as a
   * reply in a thread with `threadId`, quoting a message with `replyTo`.
   */
  send(conversationId: string, file: Blob, hints: MediaHints = {}, options: FileSendOptions = {}): void {
    this.sendAll(conversationId, [{ file, hints }], options);
  }

  /**
   * Uploads several files at once and sends one message per file, in the given order
   * whatever order the uploads finish in; the caption (and the quote) go with the first
   * file that is sent (a cancelled or failed one passes them on to the next).
   */
  sendAll(
    conversationId: string,
    files: readonly { file: Blob; hints: MediaHints }[],
    options: FileSendOptions = {},
  ): void {
    const { threadId } = options;
    let extras: Pick<FileSendOptions, 'caption' | 'replyTo'> = {
      ...(options.caption === undefined ? {} : { caption: options.caption }),
      ...(options.replyTo === undefined ? {} : { replyTo: options.replyTo }),
    };
    // Each message is queued only after the one before it: the outbox keeps that order.
    let turn: Promise<void> = Promise.resolve();
    for (const { file, hints } of files) {
      const { id, uploaded } = this.upload(conversationId, file, hints);
      turn = turn.then(async () => {
        const fileId = await uploaded;
        if (fileId === undefined) return;
        const mine = extras;
        extras = {};
        const sent = this.client.messages.sendFile(conversationId, fileId, {
          ...mine,
          ...(threadId === undefined ? {} : { threadId }),
        });
        sent.then(
          () => this.patch(id, null),
          (error: unknown) =>
            this.patch(id, { failed: error instanceof ParleyError ? error.message : 'the message was not sent' }),
        );
      });
    }
  }

  /** Starts one upload shown in the list; resolves with the file id, or undefined if cancelled or failed. */
  private upload(
    conversationId: string,
    file: Blob,
    hints: MediaHints,
  ): { id: string; uploaded: Promise<string | undefined> } {
    counter += 1;
    const id = `up${Date.now()}-${counter}`;
    // The name comes from the device, not from the person: mend it (control characters dropped,
    // normalized as the server normalizes names) rather than have the server refuse the upload.
    const name = repairName(hints.name ?? (file instanceof File ? file.name : '')) || 'file';
    const item: UploadItem = { id, conversationId, name, size: file.size, sent: 0 };
    this.store.update((s) => ({ ...s, uploads: [...s.uploads, item] }));
    const controller = new AbortController();
    this.controllers.set(id, controller);
    let lastShown = 0;
    const uploaded = this.client.files
      .upload(file, {
        ...hints,
        name,
        signal: controller.signal,
        onProgress: (sent) => {
          // Re-render at most every 1% of the file.
          if (sent - lastShown < file.size / 100 && sent < file.size) return;
          lastShown = sent;
          this.patch(id, { sent });
        },
      })
      .then(({ fileId }) => {
        this.patch(id, { sent: file.size, sending: true });
        return fileId;
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) this.patch(id, null);
        else this.patch(id, { failed: error instanceof ParleyError ? error.message : 'the upload failed' });
        return undefined;
      })
      .finally(() => this.controllers.delete(id));
    return { id, uploaded };
  }

  /** Stops an upload; the server deletes what it had received. A failed one is just dismissed. */
  cancel(id: string): void {
    const controller = this.controllers.get(id);
    if (controller) controller.abort(new DOMException('cancelled', 'AbortError'));
    else this.patch(id, null);
  }

  /** A signed URL for the file (cached by the SDK until shortly before it expires). */
  url(fileId: string, variant: FileVariant = 'original'): Promise<string> {
    const key = `${fileId}:${variant}`;
    let url = this.urls.get(key);
    if (url === undefined) {
      url = this.client.files.url(fileId, variant);
      // Forget failures (offline, say) so that the next render asks again.
      url.catch(() => this.urls.delete(key));
      this.urls.set(key, url);
      // Links expire: ask the SDK again after a while (it renews only when needed).
      setTimeout(() => this.urls.delete(key), 10 * 60_000);
    }
    return url;
  }
}
