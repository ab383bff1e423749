/**
 * Fetching one link's preview (ADR 0017), through the guarded outbound client only
 * (net/safe-fetch.ts: internal addresses refused unless allowed, no cookies, bounded
 * time and size). Redirects are followed here, at most MAX_REDIRECTS, each to an
 * http(s) URL whose address safe-fetch checks again, so a public page cannot bounce
 * the server to an internal one. The page must answer 200 with an HTML type; a page
 * larger than the limit is used only if its head ended within what was read. The
 * image must be a PNG, JPEG, GIF, WebP or AVIF (by its bytes, not its header) within
 * its own limit; it is made a WebP thumbnail and stored as a blob named by its
 * SHA-256, served by Parley (so readers never contact the site). Everything shares
 * one deadline: the link's whole preview ends within PARLEY_LINK_PREVIEW_TIMEOUT_MS.
 * Every failure means "no preview" (or "no image"), never an error for the sender.
 */
import { createHash } from 'node:crypto';
import type { LinkPreview } from '@parley/protocol';
import { previewImage } from '../media/image';
import { readPageMeta } from '../media/page-meta';
import { PROCESSABLE_IMAGES, sniffType } from '../media/sniff';
import type { BlobStore } from '../ports/blob-store';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { OutboundError, type OutboundHttp, type OutboundResponse } from '../ports/outbound-http';

/** Redirects followed per request (http -> https, a trailing slash, a short link). */
export const MAX_REDIRECTS = 3;
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export interface LinkPreviewFetchOptions {
  timeoutMs: number;
  maxPageBytes: number;
  maxImageBytes: number;
}

/** The blob key and the public path of a preview image with this name. */
export const previewImageKey = (name: string) => `link-previews/${name}`;
export const previewImagePath = (name: string) => `/v1/link-previews/images/${name}`;
/** A stored preview image's name: the SHA-256 of its bytes, hex, `.webp`. */
export const PREVIEW_IMAGE_NAME = /^[0-9a-f]{64}\.webp$/;

export class LinkPreviewFetcher {
  constructor(
    private readonly deps: { outbound: OutboundHttp; blobs: BlobStore; clock: Clock; logger: Logger },
    private readonly options: LinkPreviewFetchOptions,
  ) {}

  /** The preview of `url`, or null when it has none (or it could not be had in time). */
  async fetch(url: string): Promise<LinkPreview | null> {
    const deadline = this.deps.clock.now() + this.options.timeoutMs;
    let page: { response: OutboundResponse; url: string } | null;
    try {
      page = await this.get(url, deadline, this.options.maxPageBytes, 'text/html,application/xhtml+xml;q=0.9');
    } catch (error) {
      this.deps.logger.info({ host: hostOf(url), reason: reasonOf(error) }, 'link preview: page not fetched');
      return null;
    }
    if (!page || !HTML_TYPES.has(mediaType(page.response))) return null;
    const meta = readPageMeta(page.response.body, page.url);
    if (page.response.truncated && !meta.headComplete) return null;
    if (meta.title === undefined && meta.description === undefined) return null;
    const preview: LinkPreview = { url };
    if (meta.title !== undefined) preview.title = meta.title;
    if (meta.description !== undefined) preview.description = meta.description;
    preview.siteName = meta.siteName ?? new URL(page.url).hostname;
    if (meta.imageUrl !== undefined) {
      const image = await this.image(meta.imageUrl, deadline);
      if (image) preview.image = image;
    }
    return preview;
  }

  /** GET with redirects; null for any answer but 200 (after redirects). */
  private async get(
    start: string,
    deadline: number,
    maxBytes: number,
    accept: string,
  ): Promise<{ response: OutboundResponse; url: string } | null> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const timeoutMs = deadline - this.deps.clock.now();
      if (timeoutMs <= 0) throw new OutboundError('timeout', 'No time left for this link.');
      const response = await this.deps.outbound.send({
        url,
        method: 'GET',
        headers: { accept, 'accept-language': 'en;q=0.8, *;q=0.5' },
        timeoutMs,
        maxResponseBytes: maxBytes,
      });
      if (response.status === 200) return { response, url };
      const location = response.headers.location;
      if (response.status < 300 || response.status > 399 || location === undefined) return null;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return null;
      }
      // Only the web: a redirect to file:, data:, ftp: and the like ends the preview.
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return null;
      url = next.href;
    }
    return null;
  }

  private async image(url: string, deadline: number): Promise<LinkPreview['image'] | null> {
    try {
      const found = await this.get(url, deadline, this.options.maxImageBytes + 1, 'image/webp,image/*;q=0.8');
      if (!found || found.response.truncated) return null;
      const bytes = found.response.bytes;
      // By the bytes, not the header: only formats sharp decodes and browsers show.
      if (!PROCESSABLE_IMAGES.has(await sniffType(bytes.subarray(0, 4100)))) return null;
      const { data, width, height } = await previewImage(bytes);
      const name = `${createHash('sha256').update(data).digest('hex')}.webp`;
      await this.deps.blobs.put(previewImageKey(name), data);
      return { url: previewImagePath(name), width, height };
    } catch (error) {
      this.deps.logger.info({ host: hostOf(url), reason: reasonOf(error) }, 'link preview: image left out');
      return null;
    }
  }
}

function mediaType(response: OutboundResponse): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function reasonOf(error: unknown): string {
  if (error instanceof OutboundError) return error.reason;
  return error instanceof Error ? error.message : String(error);
}

/** Logs name the host only: a message's full URL is the sender's business. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '?';
  }
}
