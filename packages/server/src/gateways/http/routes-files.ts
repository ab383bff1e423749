/**
 * File downloads: the bytes (with Range), the thumbnail, and signed links for
 * elements that cannot send a token. Served types come from the sniffed record,
 * never the uploader; only media types are inline, everything else (HTML, SVG,
 * unknown) is an attachment; every response says `nosniff` and carries a CSP
 * that forbids running anything even if a browser were to render it.
 */
import { FileDownloadQuery, FileLinkQuery, FileLinkResponse, FileParams, type FileVariant } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { ByteRange } from '../../ports/blob-store';
import type { Download, Services } from '../../services';
import type { HttpOptions } from './app';
import { authenticate, bearerToken, secured } from './auth';

type DownloadRequest = FastifyRequest<{ Params: FileParams; Querystring: Static<typeof FileDownloadQuery> }>;

/** One `bytes=` range of a file of `size` bytes; null: serve it whole; 'unsatisfiable': 416. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: RFC 9110 lets a server ignore Range and send the whole.
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** RFC 6266: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(inline: boolean, name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // RFC 8187 attr-char: encodeURIComponent leaves ' ( ) * as they are; they must be escaped too.
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

async function send(request: DownloadRequest, reply: FastifyReply, options: HttpOptions, variant: FileVariant) {
  const { services } = options;
  const { fileId } = request.params;
  const { exp, sig, download } = request.query;
  const signed = exp !== undefined && sig !== undefined && bearerToken(request) === undefined;
  const file: Download = signed
    ? await services.files.authorizeSignedDownload(fileId, variant, exp, sig)
    : await services.files.authorizeDownload(await authenticate(services, request), fileId, variant);
  // Signed links are the capability and expire; nothing is shared between users.
  const cache = signed ? 'private, max-age=3600, immutable' : 'private, no-cache';
  return serveDownload(services, request, reply, { file, variant, attachment: download === 1, cache });
}

/** Writes a download: headers that keep it inert, then the bytes (whole, or one Range). */
export async function serveDownload(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  served: { file: Download; variant: FileVariant; attachment: boolean; cache: string; crossOrigin?: boolean },
) {
  const { file, variant, attachment } = served;
  const inline = file.inline && !attachment;
  void reply
    .header('content-type', file.mime)
    .header(
      'content-disposition',
      contentDisposition(inline, variant === 'thumbnail' ? `${file.name}.webp` : file.name),
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', served.crossOrigin === true ? 'cross-origin' : 'same-origin')
    .header('accept-ranges', 'bytes')
    .header('etag', `"${file.file.id}-${variant}-${file.size}"`)
    .header('cache-control', served.cache);
  const range = parseRange(request.headers.range, file.size);
  if (range === 'unsatisfiable') {
    return reply.status(416).header('content-range', `bytes */${file.size}`).send();
  }
  if (range === null) {
    return reply.header('content-length', file.size).send(await services.files.open(file));
  }
  return reply
    .status(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
    .header('content-length', range.end - range.start + 1)
    .send(await services.files.open(file, range));
}

export function registerFileRoutes(app: FastifyInstance, options: HttpOptions): void {
  const { services } = options;
  const tags = ['files'];
  const download = { tags, params: FileParams, querystring: FileDownloadQuery };

  // GET /v1/files/:fileId/link
  app.get<{ Params: FileParams; Querystring: Static<typeof FileLinkQuery> }>(
    '/v1/files/:fileId/link',
    {
      schema: {
        tags,
        security: secured,
        params: FileParams,
        querystring: FileLinkQuery,
        response: { 200: FileLinkResponse },
      },
    },
    async (request) =>
      services.files.link(
        await authenticate(services, request),
        request.params.fileId,
        request.query.variant ?? 'original',
      ),
  );

  // GET /v1/files/:fileId (bearer token or signed link; Range)
  app.route<{ Params: FileParams; Querystring: Static<typeof FileDownloadQuery> }>({
    method: 'GET',
    url: '/v1/files/:fileId',
    schema: download,
    handler: (request, reply) => send(request, reply, options, 'original'),
  });

  // GET /v1/files/:fileId/thumbnail
  app.route<{ Params: FileParams; Querystring: Static<typeof FileDownloadQuery> }>({
    method: 'GET',
    url: '/v1/files/:fileId/thumbnail',
    schema: download,
    handler: (request, reply) => send(request, reply, options, 'thumbnail'),
  });
}
