/** Full-text search over HTTP (the WebSocket `search` frame offers the same). */
import { SearchQuery, SearchResult } from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerSearchRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  // GET /v1/search?q=
  app.get<{ Querystring: Static<typeof SearchQuery> }>(
    '/v1/search',
    { schema: { tags: ['search'], security: secured, querystring: SearchQuery, response: { 200: SearchResult } } },
    async (request) => {
      const { q, ...filters } = request.query;
      return services.search.search(await authenticate(services, request), { query: q, ...filters });
    },
  );
}
