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
    const { caption, threadId, replyTo } = options;
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
    this.client.files
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
      .then(async ({ fileId }) => {
        this.patch(id, { sent: file.size, sending: true });
        await this.client.messages.sendFile(conversationId, fileId, {
          ...(caption === undefined ? {} : { caption }),
          ...(threadId === undefined ? {} : { threadId }),
          ...(replyTo === undefined ? {} : { replyTo }),
        });
        this.patch(id, null);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return this.patch(id, null);
        this.patch(id, { failed: error instanceof ParleyError ? error.message : 'the upload failed' });
      })
      .finally(() => this.controllers.delete(id));
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
