/**
 * Files: resumable uploads (tus 1.0 with tus-js-client: progress, cancel, and a
 * dropped connection resumes from the server's offset instead of starting
 * over), signed links for `<img>`/`<video>`/`<audio>`, and downloads. Works in
 * browsers (Blob, File, Uint8Array) and on Node (Buffer, Uint8Array, a readable
 * stream with its size; an `fs.ReadStream` can even seek when resuming).
 */
import type { FileVariant } from '@parley/protocol';
import type { DetailedError, Upload } from 'tus-js-client';
import { fromErrorBody, localError, ParleyError } from './errors';
import type { HttpClient } from './http';

/** What can be uploaded: a Blob or File, bytes, or (Node) a readable stream. */
export type UploadData = Blob | Uint8Array | NodeReadableLike;

/** A Node.js `Readable` (kept structural so that the browser build needs no Node types). */
export interface NodeReadableLike {
  pipe: unknown;
  on: unknown;
  read: unknown;
}

/** Options of an upload. */
export interface UploadOptions {
  /** File name shown to others (default: the File's name, else `file`). */
  name?: string;
  /** The type you believe it is; the server sniffs the real one (default: the Blob's type). */
  type?: string;
  /** Bytes to send: required for streams, read from Blob/bytes otherwise. */
  size?: number;
  /** `voice` marks a recorded voice message. */
  kind?: 'voice';
  /** Duration of audio or video, in milliseconds (shown by clients; the server cannot decode media). */
  durationMs?: number;
  /** Voice-message waveform: up to 128 samples, 0-255. */
  waveform?: number[];
  /** Video dimensions as the sender's player saw them. */
  width?: number;
  height?: number;
  /** Called as bytes are acknowledged. */
  onProgress?: (sentBytes: number, totalBytes: number) => void;
  /** Aborting cancels the upload and deletes what the server stored of it. */
  signal?: AbortSignal;
  /** Bytes per PATCH request. Default: everything in one request (8 MiB for streams). */
  chunkSize?: number;
  /** Waits before each retry after a failure (a dropped connection, a 5xx). Default: 0, 1, 3, 5, 10, 20 s. */
  retryDelays?: number[];
}

/** A finished upload: send it with `client.messages.sendFile(conversationId, fileId)`. */
export interface UploadedFile {
  fileId: string;
  size: number;
}

const DEFAULT_RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];
const STREAM_CHUNK = 8 * 1024 * 1024;

type BufferCtor = { from(data: ArrayBufferLike, offset: number, length: number): Uint8Array };

function isBlob(data: UploadData): data is Blob {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}

/** tus-js-client reads Buffers (not plain Uint8Arrays) on Node, and Blobs in browsers. */
async function toTusInput(data: UploadData): Promise<{ input: Blob | Uint8Array | object; size?: number }> {
  const NodeBuffer = (globalThis as { Buffer?: BufferCtor & { isBuffer(v: unknown): boolean } }).Buffer;
  const inBrowser = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  if (data instanceof Uint8Array) {
    if (!inBrowser && NodeBuffer) return { input: NodeBuffer.from(data.buffer, data.byteOffset, data.byteLength) };
    return { input: new Blob([data as Uint8Array<ArrayBuffer>]) };
  }
  if (isBlob(data)) {
    if (!inBrowser && NodeBuffer) {
      const bytes = await data.arrayBuffer();
      return { input: NodeBuffer.from(bytes, 0, bytes.byteLength) };
    }
    return { input: data };
  }
  return { input: data };
}

function sizeOf(data: UploadData, options: UploadOptions): number | undefined {
  if (options.size !== undefined) return options.size;
  if (data instanceof Uint8Array) return data.byteLength;
  if (isBlob(data)) return data.size;
  return undefined;
}

function metadataOf(data: UploadData, options: UploadOptions): Record<string, string> {
  const file = typeof File !== 'undefined' && data instanceof File ? data : undefined;
  const meta: Record<string, string> = { filename: options.name ?? file?.name ?? 'file' };
  const type = options.type ?? (isBlob(data) ? data.type : '');
  if (type !== '') meta['filetype'] = type;
  if (options.kind !== undefined) meta['kind'] = options.kind;
  if (options.durationMs !== undefined) meta['durationMs'] = String(Math.max(0, Math.round(options.durationMs)));
  if (options.waveform !== undefined) meta['waveform'] = options.waveform.map((v) => Math.round(v)).join(',');
  if (options.width !== undefined) meta['width'] = String(Math.round(options.width));
  if (options.height !== undefined) meta['height'] = String(Math.round(options.height));
  return meta;
}

/** A tus failure as a ParleyError: the server's JSON error when it sent one, else a retryable network error. */
function toUploadError(error: Error | DetailedError): ParleyError {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  if (response) {
    let body: unknown;
    try {
      body = JSON.parse(response.getBody()) as unknown;
    } catch {
      body = undefined;
    }
    return fromErrorBody(body, response.getStatus());
  }
  return localError('network', `upload failed: ${error.message}`, error);
}

/** Fresh starts after `upload_unavailable` (the cluster node staging the upload is gone). */
const RESTARTS = 2;

/**
 * Uploads a file with the tus protocol and resolves once the server has stored
 * and processed it. Size, quota and declared type are checked when the upload is
 * created, before any byte is sent (`file_too_large`, `quota_exceeded`,
 * `file_type_not_allowed`); the sniffed type is checked at the end. In a cluster
 * an upload in progress lives on one node: if that node goes away, a Blob or bytes
 * upload starts again by itself (tus does when resuming finds it gone; this does
 * when a `PATCH` is answered `upload_unavailable`); a stream cannot be read twice,
 * so its upload rejects with `upload_unavailable` and the app starts it again.
 */
export async function uploadFile(
  http: HttpClient,
  data: UploadData,
  options: UploadOptions = {},
): Promise<UploadedFile> {
  const rereadable = data instanceof Uint8Array || isBlob(data);
  for (let restart = 0; ; restart++) {
    try {
      return await uploadOnce(http, data, options);
    } catch (error) {
      if (
        !(error instanceof ParleyError && error.code === 'upload_unavailable') ||
        !rereadable ||
        restart >= RESTARTS
      ) {
        throw error;
      }
    }
  }
}

async function uploadOnce(http: HttpClient, data: UploadData, options: UploadOptions): Promise<UploadedFile> {
  const token = http.token();
  if (token === undefined || token === '') throw new ParleyError('unauthenticated', 'no token: log in first');
  const size = sizeOf(data, options);
  if (size === undefined) throw new ParleyError('bad_request', 'give options.size when uploading a stream');
  const { input } = await toTusInput(data);
  const streaming = !(input instanceof Uint8Array) && !isBlob(input as UploadData);
  const signal = options.signal;
  if (signal?.aborted) throw signal.reason as Error;
  const headers = { authorization: `Bearer ${token}` };
  // Loaded on the first upload: a web app's first screen does not carry the tus client.
  const { Upload } = await import('tus-js-client');
  if (signal?.aborted) throw signal.reason as Error;
  return new Promise<UploadedFile>((resolve, reject) => {
    const upload: Upload = new Upload(input as Blob, {
      endpoint: `${http.origin}/v1/uploads`,
      headers,
      metadata: metadataOf(data, options),
      uploadSize: size,
      chunkSize: options.chunkSize ?? (streaming ? STREAM_CHUNK : Number.POSITIVE_INFINITY),
      retryDelays: options.retryDelays ?? DEFAULT_RETRY_DELAYS,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => options.onProgress?.(sent, total),
      onAfterResponse: async (req, res) => {
        // tus gives an upload up when resuming it is answered anything but 2xx or 423, and then
        // creates a new one. Cancel the abandoned one first (a cluster node that died, a proxy's
        // 502): the server drops it and its size leaves the quota before the new one asks for room.
        const status = res.getStatus();
        if (req.getMethod() === 'HEAD' && (status < 200 || status >= 300) && status !== 423) {
          await Upload.terminate(req.getURL(), { headers, retryDelays: [] }).catch(() => undefined);
        }
      },
      onSuccess: () => {
        signal?.removeEventListener('abort', onAbort);
        const fileId = (upload.url ?? '').split('/').pop() ?? '';
        resolve({ fileId, size });
      },
      onError: (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(toUploadError(error));
      },
    });
    const onAbort = () => {
      // Terminate: the server deletes the partial upload and gives back the quota.
      upload.abort(true).then(
        () => reject(signal?.reason as Error),
        () => reject(signal?.reason as Error),
      );
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // In browsers, an upload interrupted by a reload resumes where it stopped.
    upload.findPreviousUploads().then(
      (previous) => {
        const last = previous[0];
        if (last) upload.resumeFromPreviousUpload(last);
        upload.start();
      },
      () => upload.start(),
    );
  });
}

/** Uploading, linking and downloading files (`client.files`). */
export class FilesApi {
  private readonly links = new Map<string, { url: string; expiresAt: number }>();

  constructor(
    private readonly http: HttpClient,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Uploads a file (resumable; see {@link UploadOptions}) and resolves with its id.
   *
   * @example
   * ```ts
   * const controller = new AbortController();
   * const { fileId } = await client.files.upload(file, { onProgress: (s, t) => bar(s / t), signal: controller.signal });
   * await client.messages.sendFile(conversationId, fileId, { caption: 'the plan' });
   * ```
   */
  upload(data: UploadData, options: UploadOptions = {}): Promise<UploadedFile> {
    return uploadFile(this.http, data, options);
  }

  /**
   * An absolute URL that serves the file (or its thumbnail) without a token until
   * it expires: for `<img src>`, `<video src>`, `<a href download>`. Cached, and
   * renewed a minute before it expires.
   */
  async url(fileId: string, variant: FileVariant = 'original'): Promise<string> {
    const key = `${fileId}:${variant}`;
    const cached = this.links.get(key);
    if (cached && cached.expiresAt - this.now() > 60_000) return cached.url;
    const link = await this.http.fileLink(fileId, variant);
    const url = this.http.origin + link.url;
    this.links.set(key, { url, expiresAt: link.expiresAt });
    return url;
  }

  /** The file's bytes as a fetch Response (with your token), optionally a byte range. */
  download(fileId: string, options: { variant?: FileVariant; range?: string } = {}): Promise<Response> {
    return this.http.downloadFile(fileId, options);
  }
}
