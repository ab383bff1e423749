/**
 * Link previews (issue 13, ADR 0017). The post's ack never waits for them: the
 * dispatcher (ADR 0011) hands committed entries to `consume`, which queues one job per
 * text message that has links (and per edit, whose new text may add or drop links),
 * unless previews are off on this server (PARLEY_LINK_PREVIEWS) or for that message.
 * The job runner then calls `run`: it reads the message as it is now, takes the first
 * links of its text (domain/link-urls.ts), gets each preview from the cache or the web
 * (services/link-preview-fetch.ts), and, when they differ from what the message has,
 * appends a `link_previews.set` update entry and stores the previews in one write, so
 * every member's device gets them like an edit: live, through sync, in order.
 * Encrypted messages never get one: their content is not text the server can read.
 * The sender removes previews with MessageChangeService.removeLinkPreviews.
 */
import { buffer } from 'node:stream/consumers';
import type { LinkPreview, Message } from '@parley/protocol';
import { newId } from '../domain/ids';
import { previewUrls } from '../domain/link-urls';
import { topics } from '../ports/bus';
import type { BlobStore } from '../ports/blob-store';
import type { EventConsumer, JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import type { OutboundHttp } from '../ports/outbound-http';
import type { OutboxRecord, Store } from '../ports/store';
import type { ServiceDeps } from './deps';
import {
  LinkPreviewFetcher,
  PREVIEW_IMAGE_NAME,
  previewImageKey,
  type LinkPreviewFetchOptions,
} from './link-preview-fetch';

export const LINK_PREVIEW_JOB = 'link_previews.fetch';

export interface LinkPreviewOptions extends LinkPreviewFetchOptions {
  /** PARLEY_LINK_PREVIEWS=on. */
  enabled: boolean;
  /** Previews per message (PARLEY_LINK_PREVIEW_MAX_URLS). */
  maxUrls: number;
  /** How long a fetched result is reused (PARLEY_LINK_PREVIEW_CACHE_SECONDS, in ms). */
  cacheMs: number;
}

export const disabledLinkPreviews: LinkPreviewOptions = {
  enabled: false,
  maxUrls: 3,
  timeoutMs: 5000,
  maxPageBytes: 512 * 1024,
  maxImageBytes: 5 * 1024 * 1024,
  cacheMs: 86_400_000,
};

export interface LinkPreviewDeps {
  outbound: OutboundHttp;
  blobs: BlobStore;
  options: LinkPreviewOptions;
}

/** The message a job works on, when it may have previews: text, not deleted, not turned off. */
function eligible(message: Message | undefined): message is Message & { content: { type: 'text'; text: string } } {
  return message !== undefined && message.content.type === 'text' && message.linkPreviewsOff !== true;
}

function samePreviews(a: readonly LinkPreview[], b: readonly LinkPreview[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class LinkPreviewService implements EventConsumer, JobHandler {
  readonly name = 'link-previews';
  readonly kind = LINK_PREVIEW_JOB;
  private readonly fetcher: LinkPreviewFetcher;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly previews: LinkPreviewDeps,
  ) {
    this.fetcher = new LinkPreviewFetcher({ ...previews, clock: deps.clock, logger: deps.logger }, previews.options);
  }

  get enabled(): boolean {
    return this.previews.options.enabled;
  }

  /**
   * The durable consumer, inside the dispatcher's transaction: one job per message that may
   * get previews; returns how many. No network.
   */
  async consume(events: readonly OutboxRecord[], tx: Store): Promise<number> {
    if (!this.enabled) return 0;
    const now = this.deps.clock.now();
    let jobs = 0;
    for (const record of events) {
      if (record.event.type !== 'message.new') continue;
      const { content, linkPreviewsOff, id } = record.event.message;
      let messageId: string | undefined;
      if (content.type === 'text' && linkPreviewsOff !== true) {
        if (previewUrls(content.text, this.previews.options.maxUrls).length > 0) messageId = id;
      } else if (content.type === 'update' && content.action === 'edited') {
        // The new text may add links or drop them: the job compares with what the target has.
        messageId = content.messageId;
      }
      if (messageId === undefined) continue;
      await tx.enqueueJob({
        id: newId('j', now),
        kind: LINK_PREVIEW_JOB,
        payload: { messageId },
        dueAt: now,
        createdAt: now,
      });
      jobs += 1;
    }
    return jobs;
  }

  /** The job: previews for the message as it is now, attached when they changed. */
  async run(job: JobRecord): Promise<JobOutcome> {
    const { messageId } = job.payload as { messageId: string };
    const { store } = this.deps;
    const message = await store.getMessage(messageId);
    if (!eligible(message)) return { done: true };
    const text = message.content.text;
    const found = await Promise.all(previewUrls(text, this.previews.options.maxUrls).map((url) => this.preview(url)));
    const previews = found.filter((preview): preview is LinkPreview => preview !== null);
    if (samePreviews(previews, message.linkPreviews ?? [])) return { done: true };
    await store.write(message.conversationId, async (tx) => {
      const current = await tx.getMessage(messageId);
      // Edited or turned off meanwhile: that change decides (an edit queued a job of its own).
      if (!eligible(current) || current.content.text !== text) return;
      const at = this.deps.clock.now();
      // The sender's entry: the server attaches previews on their behalf, as it sends their messages.
      const { message: entry } = await tx.appendMessage({
        id: newId('m', at),
        conversationId: current.conversationId,
        senderId: current.senderId,
        clientId: newId('u', at),
        content: { type: 'update', action: 'link_previews.set', messageId, linkPreviews: previews },
        createdAt: at,
      });
      await tx.setLinkPreviews(messageId, previews, false, entry.seq);
      await tx.emit(topics.conversation(current.conversationId), { v: 1, type: 'message.new', message: entry });
    });
    return { done: true };
  }

  /** One URL's preview: the cache while fresh, else the web (and the result, even none, is cached). */
  private async preview(url: string): Promise<LinkPreview | null> {
    const { store, clock } = this.deps;
    const cached = await store.getCachedLinkPreview(url);
    if (cached && clock.now() - cached.fetchedAt < this.previews.options.cacheMs) return cached.preview;
    const preview = await this.fetcher.fetch(url);
    await store.putCachedLinkPreview({ url, preview, fetchedAt: clock.now() });
    return preview;
  }

  /** Forgets cache entries past their lifetime, in bounded batches; returns how many went. */
  async prune(): Promise<number> {
    const before = this.deps.clock.now() - this.previews.options.cacheMs;
    let total = 0;
    for (let batch = 0; batch < 100; batch += 1) {
      const removed = await this.deps.store.pruneLinkPreviewCache(before, 500);
      total += removed;
      if (removed < 500) break;
    }
    return total;
  }

  /**
   * A stored preview image (`GET /v1/link-previews/images/<name>`), or null. Public like
   * avatars: its name is the SHA-256 of its bytes, a copy of a picture a public page showed.
   */
  async readImage(name: string): Promise<Buffer | null> {
    if (!PREVIEW_IMAGE_NAME.test(name)) return null;
    const stream = await this.previews.blobs.get(previewImageKey(name));
    return stream ? buffer(stream) : null;
  }
}
