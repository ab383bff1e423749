/**
 * Channels over HTTP: create, the public directory, joining, the paged member list
 * and your own per-conversation settings and favourites. Settings of the conversation itself are
 * `PATCH /v1/conversations/:id` (routes-conversations.ts).
 */
import {
  ConversationParams,
  ConversationResponse,
  CreateChannelBody,
  DirectoryQuery,
  DirectoryResponse,
  FavouriteBody,
  MemberSettingsBody,
  MembersResponse,
  PageQuery,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

type ConvParams = { Params: Static<typeof ConversationParams> };

export function registerChannelRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const tags = ['channels'];
  const conv = { tags, security: secured, params: ConversationParams };

  // POST /v1/channels
  app.post<{ Body: Static<typeof CreateChannelBody> }>(
    '/v1/channels',
    { schema: { tags, security: secured, body: CreateChannelBody, response: { 201: ConversationResponse } } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const conversation = await services.conversations.createChannel(auth, request.body);
      return reply.status(201).send({ conversation });
    },
  );

  // GET /v1/channels?query=&cursor=&limit=
  app.get<{ Querystring: Static<typeof DirectoryQuery> }>(
    '/v1/channels',
    { schema: { tags, security: secured, querystring: DirectoryQuery, response: { 200: DirectoryResponse } } },
    async (request) => {
      const page = await services.conversations.directory(await authenticate(services, request), request.query);
      return { channels: page.items, nextCursor: page.nextCursor };
    },
  );

  // POST /v1/conversations/:conversationId/join
  app.post<ConvParams>(
    '/v1/conversations/:conversationId/join',
    { schema: { ...conv, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.conversations.join(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // GET /v1/conversations/:conversationId/members?cursor=&limit=
  app.get<ConvParams & { Querystring: Static<typeof PageQuery> }>(
    '/v1/conversations/:conversationId/members',
    { schema: { ...conv, querystring: PageQuery, response: { 200: MembersResponse } } },
    async (request) => {
      const auth = await authenticate(services, request);
      const page = await services.conversations.members(auth, request.params.conversationId, request.query);
      return { members: page.items, nextCursor: page.nextCursor };
    },
  );

  // PUT /v1/conversations/:conversationId/settings
  app.put<ConvParams & { Body: Static<typeof MemberSettingsBody> }>(
    '/v1/conversations/:conversationId/settings',
    { schema: { ...conv, tags: ['conversations'], body: MemberSettingsBody } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.conversations.setNotifyLevel(auth, request.params.conversationId, request.body.notifyLevel);
      return reply.status(204).send();
    },
  );

  // PUT /v1/conversations/:conversationId/favourite
  app.put<ConvParams & { Body: Static<typeof FavouriteBody> }>(
    '/v1/conversations/:conversationId/favourite',
    { schema: { ...conv, tags: ['conversations'], body: FavouriteBody } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.favourites.place(auth, request.params.conversationId, request.body.before);
      return reply.status(204).send();
    },
  );

  // DELETE /v1/conversations/:conversationId/favourite
  app.delete<ConvParams>('/v1/conversations/:conversationId/favourite', { schema: conv }, async (request, reply) => {
    await services.favourites.remove(await authenticate(services, request), request.params.conversationId);
    return reply.status(204).send();
  });
}
