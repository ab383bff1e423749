/**
 * Resumable uploads: the tus 1.0 protocol (core, creation, creation-with-upload and
 * termination) at /v1/uploads, served by @tus/server over the tus data store
 * main.ts gives it (blob/file-storage.ts). This file only adapts: every rule
 * (who, how big, which type, what happens at the end) is in services/files.ts.
 * Refusals answer with the usual JSON error body (`{ "error": { code, ... } }`).
 * An upload's URL is `/v1/uploads/<node>/<fileId>`: the node staging its bytes,
 * so that a load balancer can send the rest of it there (docs/operations.md).
 */
// POST|HEAD|PATCH|DELETE|OPTIONS /v1/uploads[/:node]/:fileId
import { EVENTS, Server, type DataStore } from '@tus/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors';
import type { Logger } from '../../ports/logger';
import type { AuthContext, Services } from '../../services';
import { toWireError } from '../errors';

export const UPLOADS_PATH = '/v1/uploads';

function tokenOf(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.get('authorization') ?? '')?.[1];
}

function authenticate(services: Services, req: Request): Promise<AuthContext> {
  return services.accounts.authenticate(tokenOf(req));
}

/** The node named by `/v1/uploads/<node>/<fileId>`; undefined for `/v1/uploads/<fileId>` (older URLs). */
function stagedOn(req: Request): string | undefined {
  const { pathname } = new URL(req.url, 'http://upload');
  return /^\/v1\/uploads\/([A-Za-z0-9_-]{1,32})\/[^/]+\/?$/.exec(pathname)?.[1];
}

export function createTusServer(services: Services, datastore: DataStore, logger: Logger): Server {
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore,
    relativeLocation: true,
    respectForwardedHeaders: false,
    generateUrl: (_req, { path, id }) => `${path}/${services.files.nodeId}/${id}`,
    maxSize: services.files.limits.maxFileBytes,
    // The only way to create an upload: authorize, check size/quota/type, record it.
    namingFunction: async (req, metadata) => {
      const auth = await authenticate(services, req);
      const length = req.headers.get('upload-length');
      const size = length !== null && /^\d{1,16}$/.test(length) ? Number(length) : undefined;
      const file = await services.files.createUpload(auth, size, metadata ?? {});
      return file.id;
    },
    onIncomingRequest: async (req, id) => {
      if (req.method === 'POST') return;
      await services.files.authorizeUpload(await authenticate(services, req), id, stagedOn(req));
    },
    onUploadFinish: async (_req, upload) => {
      const file = await services.files.finishUpload(upload.id, upload.metadata ?? {});
      return { headers: { 'Parley-File-Id': file.id } };
    },
    onResponseError: (req, error) => {
      // tus protocol errors (409 offset mismatch, 412, 404...) keep their status and text.
      if (!(error instanceof AppError) && 'status_code' in error) return undefined;
      const wire = toWireError(error, logger, { url: req.url, method: req.method });
      return { status_code: new AppError(wire.code, wire.message).status, body: JSON.stringify({ error: wire }) };
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req: Request, _res: Response, id: string) => {
    services.files.discardUpload(id).catch((error: unknown) => logger.error({ err: error, id }, 'discard failed'));
  });
  return tus;
}

/** Routes the tus methods to the tus server; the body stream is left for it to read. */
export async function registerUploadRoutes(app: FastifyInstance, tus: Server): Promise<void> {
  await app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null));
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      await tus.handle(request.raw, reply.raw);
    };
    for (const url of [UPLOADS_PATH, `${UPLOADS_PATH}/:fileId`, `${UPLOADS_PATH}/:node/:fileId`]) {
      scope.route({
        method: ['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
        url,
        schema: { hide: true },
        handler,
      });
    }
    done();
  });
}
