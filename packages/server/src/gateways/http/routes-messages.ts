/**
 * What the message features read over HTTP: one message, pins, threads, who reacted, link
 * preview images and a conversation's media and files. The
 * changes themselves (edit, delete, react, pin, thread read, mark unread) are
 * WebSocket frames; history and send with threadId/replyTo are in
 * routes-conversations.ts.
 */
import {
  ConversationFilesQuery,
  ConversationFilesResponse,
  ConversationParams,
  MessageParams,
  MessageResponse,
  PinsResponse,
  ReactionUsersQuery,
  ReactionUsersResponse,
  ThreadsQuery,
  ThreadsResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { AppError } from '../../domain/errors';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerMessageRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const tags = ['messages'];

  // GET /v1/conversations/:conversationId/pins
  app.get<{ Params: Static<typeof ConversationParams> }>(
    '/v1/conversations/:conversationId/pins',
    { schema: { tags, security: secured, params: ConversationParams, response: { 200: PinsResponse } } },
    async (request) => ({
      messages: await services.messageChanges.pins(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // GET /v1/conversations/:conversationId/files?kind=media|files&before=&limit=
  app.get<{ Params: Static<typeof ConversationParams>; Querystring: Static<typeof ConversationFilesQuery> }>(
    '/v1/conversations/:conversationId/files',
    {
      schema: {
        tags,
        security: secured,
        params: ConversationParams,
        querystring: ConversationFilesQuery,
        response: { 200: ConversationFilesResponse },
      },
    },
    async (request) =>
      services.conversationFiles.list(
        await authenticate(services, request),
        request.params.conversationId,
        request.query,
      ),
  );

  // GET /v1/threads?conversationId=
  app.get<{ Querystring: Static<typeof ThreadsQuery> }>(
    '/v1/threads',
    { schema: { tags, security: secured, querystring: ThreadsQuery, response: { 200: ThreadsResponse } } },
    async (request) => ({
      threads: await services.threads.list(await authenticate(services, request), request.query),
    }),
  );

  // GET /v1/messages/:messageId
  app.get<{ Params: Static<typeof MessageParams> }>(
    '/v1/messages/:messageId',
    { schema: { tags, security: secured, params: MessageParams, response: { 200: MessageResponse } } },
    async (request) => ({
      message: await services.messages.read(await authenticate(services, request), request.params.messageId),
    }),
  );

  // GET /v1/link-previews/images/:name
  // A link preview's image, copied by the server (ADR 0017): public like avatars, named by its SHA-256.
  app.get<{ Params: { name: string } }>(
    '/v1/link-previews/images/:name',
    { schema: { tags, params: { type: 'object', properties: { name: { type: 'string', maxLength: 80 } } } } },
    async (request, reply) => {
      const bytes = await services.linkPreviews.readImage(request.params.name);
      if (!bytes) throw new AppError('not_found', 'No such image.');
      return reply
        .header('content-type', 'image/webp')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(bytes);
    },
  );

  // GET /v1/messages/:messageId/reactions?emoji=&cursor=&limit=
  app.get<{ Params: Static<typeof MessageParams>; Querystring: Static<typeof ReactionUsersQuery> }>(
    '/v1/messages/:messageId/reactions',
    {
      schema: {
        tags,
        security: secured,
        params: MessageParams,
        querystring: ReactionUsersQuery,
        response: { 200: ReactionUsersResponse },
      },
    },
    async (request) => {
      const { emoji, ...page } = request.query;
      return services.messageChanges.reactionUsers(
        await authenticate(services, request),
        request.params.messageId,
        emoji,
        page,
      );
    },
  );
}
