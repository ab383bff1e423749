/**
 * A user's own export over HTTP (`GET /v1/me/export`): the entries of
 * services/user-export.ts written as a tar archive (docs/export-format.md) while they are
 * read, with the socket's backpressure: each entry waits until the one before has gone
 * into the pack, and the pack is read by the reply only as fast as the client takes it.
 * A failure mid-way destroys the stream: the client gets a cut archive without `end.json`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ErrorResponse } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import tar from 'tar-stream';
import type { ExportEntry } from '../../services/user-export';
import type { HttpOptions } from './app';
import { authenticate, originOf, secured } from './auth';

const errors = { 401: ErrorResponse, 429: ErrorResponse };

/** Writes the entries into a tar pack, one after the other; the pack is the readable side. */
export function tarOf(entries: AsyncIterable<ExportEntry>, onError: (error: unknown) => void): Readable {
  const pack = tar.pack();
  const write = async () => {
    for await (const entry of entries) {
      const size = 'data' in entry ? entry.data.length : entry.size;
      const source = 'data' in entry ? Readable.from([entry.data]) : await entry.open();
      await pipeline(source, pack.entry({ name: entry.name, size, mode: 0o644 }));
    }
    pack.finalize();
  };
  write().catch((error: unknown) => {
    onError(error);
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return pack as unknown as Readable;
}

export function registerExportRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  // GET /v1/me/export (application/x-tar, streamed)
  app.get(
    '/v1/me/export',
    { schema: { tags: ['accounts'], security: secured, response: errors } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const entries = await services.userExport.start(auth, originOf(request));
      const name = `parley-export-${auth.user.username}.tar`;
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(tarOf(entries, (error) => request.log.warn({ err: error }, 'export cut short')));
    },
  );
}
