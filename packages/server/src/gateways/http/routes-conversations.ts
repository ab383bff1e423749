/** Conversations, members, history and sending over HTTP (the WebSocket offers the same). */
import {
  AddMembersBody,
  ConversationParams,
  ConversationResponse,
  ConversationsResponse,
  CreateDirectBody,
  CreateGroupBody,
  HistoryQuery,
  HistoryResponse,
  MemberParams,
  PresenceQuery,
  PresenceResponse,
  SendMessageBody,
  SendMessageResponse,
  SetRoleBody,
  UpdateConversationBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { AppError } from '../../domain/errors';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

type ConvParams = { Params: Static<typeof ConversationParams> };

export function registerConversationRoutes(app: FastifyInstance, { services, metrics }: HttpOptions): void {
  const tags = ['conversations'];
  const conv = { tags, security: secured, params: ConversationParams };

  // GET /v1/conversations
  app.get(
    '/v1/conversations',
    { schema: { tags, security: secured, response: { 200: ConversationsResponse } } },
    async (request) => ({
      conversations: await services.conversations.list(await authenticate(services, request)),
    }),
  );

  // POST /v1/conversations/direct
  app.post<{ Body: Static<typeof CreateDirectBody> }>(
    '/v1/conversations/direct',
    { schema: { tags, security: secured, body: CreateDirectBody, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.conversations.createDirect(
        await authenticate(services, request),
        request.body.userId,
      ),
    }),
  );

  // POST /v1/conversations
  app.post<{ Body: Static<typeof CreateGroupBody> }>(
    '/v1/conversations',
    { schema: { tags, security: secured, body: CreateGroupBody, response: { 201: ConversationResponse } } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const conversation = await services.conversations.createGroup(auth, request.body.title, request.body.memberIds, {
        encryption: request.body.encryption,
      });
      return reply.status(201).send({ conversation });
    },
  );

  // GET /v1/conversations/:conversationId
  app.get<ConvParams>(
    '/v1/conversations/:conversationId',
    { schema: { ...conv, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.conversations.get(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // PATCH /v1/conversations/:conversationId (title and settings; each change is a system message)
  app.patch<ConvParams & { Body: Static<typeof UpdateConversationBody> }>(
    '/v1/conversations/:conversationId',
    { schema: { ...conv, body: UpdateConversationBody, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.conversations.update(
        await authenticate(services, request),
        request.params.conversationId,
        request.body,
      ),
    }),
  );

  // POST /v1/conversations/:conversationId/members
  app.post<ConvParams & { Body: Static<typeof AddMembersBody> }>(
    '/v1/conversations/:conversationId/members',
    { schema: { ...conv, body: AddMembersBody, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.conversations.addMembers(
        await authenticate(services, request),
        request.params.conversationId,
        request.body.userIds,
      ),
    }),
  );

  // DELETE /v1/conversations/:conversationId/members/:userId
  app.delete<{ Params: Static<typeof MemberParams> }>(
    '/v1/conversations/:conversationId/members/:userId',
    { schema: { tags, security: secured, params: MemberParams } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.conversations.removeMember(auth, request.params.conversationId, request.params.userId);
      return reply.status(204).send();
    },
  );

  // PATCH /v1/conversations/:conversationId/members/:userId
  app.patch<{ Params: Static<typeof MemberParams>; Body: Static<typeof SetRoleBody> }>(
    '/v1/conversations/:conversationId/members/:userId',
    {
      schema: {
        tags,
        security: secured,
        params: MemberParams,
        body: SetRoleBody,
        response: { 200: ConversationResponse },
      },
    },
    async (request) => {
      const auth = await authenticate(services, request);
      const { conversationId, userId } = request.params;
      return { conversation: await services.conversations.setRole(auth, conversationId, userId, request.body.role) };
    },
  );

  // POST /v1/conversations/:conversationId/leave
  app.post<ConvParams>('/v1/conversations/:conversationId/leave', { schema: conv }, async (request, reply) => {
    await services.conversations.leave(await authenticate(services, request), request.params.conversationId);
    return reply.status(204).send();
  });

  // POST /v1/conversations/:conversationId/archive
  app.post<ConvParams>(
    '/v1/conversations/:conversationId/archive',
    { schema: { ...conv, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.lifecycle.archive(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // POST /v1/conversations/:conversationId/unarchive
  app.post<ConvParams>(
    '/v1/conversations/:conversationId/unarchive',
    { schema: { ...conv, response: { 200: ConversationResponse } } },
    async (request) => ({
      conversation: await services.lifecycle.unarchive(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // DELETE /v1/conversations/:conversationId
  app.delete<ConvParams>('/v1/conversations/:conversationId', { schema: conv }, async (request, reply) => {
    await services.lifecycle.delete(await authenticate(services, request), request.params.conversationId);
    return reply.status(204).send();
  });

  // GET /v1/conversations/:conversationId/messages
  app.get<ConvParams & { Querystring: Static<typeof HistoryQuery> }>(
    '/v1/conversations/:conversationId/messages',
    { schema: { ...conv, querystring: HistoryQuery, response: { 200: HistoryResponse } } },
    async (request) =>
      services.messages.history(await authenticate(services, request), {
        conversationId: request.params.conversationId,
        ...request.query,
      }),
  );

  // POST /v1/conversations/:conversationId/messages
  app.post<ConvParams & { Body: Static<typeof SendMessageBody> }>(
    '/v1/conversations/:conversationId/messages',
    { schema: { ...conv, body: SendMessageBody, response: { 200: SendMessageResponse } } },
    async (request) => {
      const result = await services.messages.send(await authenticate(services, request), {
        conversationId: request.params.conversationId,
        ...request.body,
      });
      if (!result.duplicate) metrics.messagesSent.inc();
      return result;
    },
  );

  // GET /v1/presence?userIds=a,b
  app.get<{ Querystring: Static<typeof PresenceQuery> }>(
    '/v1/presence',
    {
      schema: {
        tags: ['presence'],
        security: secured,
        querystring: PresenceQuery,
        response: { 200: PresenceResponse },
      },
    },
    async (request) => {
      const auth = await authenticate(services, request);
      const userIds = request.query.userIds.split(',').filter(Boolean);
      if (userIds.length > 500) throw new AppError('bad_request', 'At most 500 user ids per request.');
      return { presences: await services.presence.get(auth, userIds) };
    },
  );
}
