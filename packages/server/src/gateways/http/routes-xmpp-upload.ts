/**
 * XEP-0363 (XMPP HTTP upload) on the HTTP side: the PUT of a slot and the GET of
 * its capability URL. The XMPP gateway hands out both URLs (handlers/upload.ts);
 * the rules (token, expiry, one-shot, exact size, sniffing) are the file service's.
 * GET needs no credentials: XMPP clients fetch what a message body links to, and
 * web clients of other origins may embed it (Cross-Origin-Resource-Policy: cross-origin).
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors';
import type { HttpOptions } from './app';
import { serveDownload } from './routes-files';

interface SlotParams {
  fileId: string;
  token: string;
  name: string;
}

export async function registerXmppUploadRoutes(app: FastifyInstance, options: HttpOptions): Promise<void> {
  const { services } = options;
  await app.register((scope, _opts, done) => {
    // The body is the file, of any type: read as a stream by the service, never parsed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    scope.put<{ Params: SlotParams }>('/v1/xmpp-upload/:fileId/:token/:name', async (request, reply) => {
      const header = request.headers['content-length'];
      const length = header !== undefined && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
      if (length === undefined) throw new AppError('bad_request', 'Content-Length is required.');
      const { fileId, token } = request.params;
      await services.files.putSlot(fileId, token, length, request.raw);
      return reply.status(201).send();
    });
    done();
  });
  app.get<{ Params: SlotParams }>('/v1/xmpp-files/:fileId/:token/:name', async (request, reply) => {
    const file = await services.files.authorizeCapabilityDownload(request.params.fileId, request.params.token);
    const cache = 'private, max-age=86400, immutable';
    return serveDownload(services, request, reply, {
      file,
      variant: 'original',
      attachment: false,
      cache,
      crossOrigin: true,
    });
  });
  // Profile pictures stored from XMPP vCards: public, like the profile that names them.
  app.get<{ Params: { userId: string; name: string } }>('/v1/avatars/:userId/:name', async (request, reply) => {
    const avatar = await services.files.readAvatar(`/v1/avatars/${request.params.userId}/${request.params.name}`);
    if (!avatar) throw new AppError('not_found', 'No such avatar.');
    return reply
      .header('content-type', avatar.mime)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(avatar.bytes);
  });
}
