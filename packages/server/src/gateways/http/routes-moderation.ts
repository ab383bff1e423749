/**
 * Moderation over HTTP: bans, mutes, reports and invite links. Kicking is
 * `DELETE /v1/conversations/:id/members/:userId` (routes-conversations.ts).
 */
import {
  BanBody,
  BansResponse,
  ConversationInviteParams,
  ConversationParams,
  ConversationResponse,
  CreateInviteBody,
  InviteParams,
  InvitePreviewResponse,
  InviteResponse,
  InvitesResponse,
  MemberParams,
  MuteBody,
  ReportBody,
  ReportParams,
  ReportResponse,
  ReportsQuery,
  ReportsResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

type ConvParams = { Params: Static<typeof ConversationParams> };
type MemberRoute = { Params: Static<typeof MemberParams> };

export function registerModerationRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const tags = ['moderation'];
  const conv = { tags, security: secured, params: ConversationParams };
  const member = { tags, security: secured, params: MemberParams };

  // POST /v1/conversations/:conversationId/bans
  app.post<ConvParams & { Body: Static<typeof BanBody> }>(
    '/v1/conversations/:conversationId/bans',
    { schema: { ...conv, body: BanBody } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const { userId, durationSeconds, reason } = request.body;
      await services.moderation.ban(auth, request.params.conversationId, userId, { durationSeconds, reason });
      return reply.status(204).send();
    },
  );

  // GET /v1/conversations/:conversationId/bans
  app.get<ConvParams>(
    '/v1/conversations/:conversationId/bans',
    { schema: { ...conv, response: { 200: BansResponse } } },
    async (request) => ({
      bans: await services.moderation.bans(await authenticate(services, request), request.params.conversationId),
    }),
  );

  // DELETE /v1/conversations/:conversationId/bans/:userId
  app.delete<MemberRoute>(
    '/v1/conversations/:conversationId/bans/:userId',
    { schema: member },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.moderation.unban(auth, request.params.conversationId, request.params.userId);
      return reply.status(204).send();
    },
  );

  // POST /v1/conversations/:conversationId/mutes
  app.post<ConvParams & { Body: Static<typeof MuteBody> }>(
    '/v1/conversations/:conversationId/mutes',
    { schema: { ...conv, body: MuteBody } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const { userId, durationSeconds } = request.body;
      await services.moderation.mute(auth, request.params.conversationId, userId, durationSeconds);
      return reply.status(204).send();
    },
  );

  // DELETE /v1/conversations/:conversationId/mutes/:userId
  app.delete<MemberRoute>(
    '/v1/conversations/:conversationId/mutes/:userId',
    { schema: member },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.moderation.unmute(auth, request.params.conversationId, request.params.userId);
      return reply.status(204).send();
    },
  );

  // POST /v1/conversations/:conversationId/reports
  app.post<ConvParams & { Body: Static<typeof ReportBody> }>(
    '/v1/conversations/:conversationId/reports',
    { schema: { ...conv, body: ReportBody, response: { 201: ReportResponse } } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const { messageId, reason } = request.body;
      const report = await services.moderation.report(auth, request.params.conversationId, messageId, reason);
      return reply.status(201).send({ report });
    },
  );

  // GET /v1/conversations/:conversationId/reports?state=open|all
  app.get<ConvParams & { Querystring: Static<typeof ReportsQuery> }>(
    '/v1/conversations/:conversationId/reports',
    { schema: { ...conv, querystring: ReportsQuery, response: { 200: ReportsResponse } } },
    async (request) => ({
      reports: await services.moderation.reports(
        await authenticate(services, request),
        request.params.conversationId,
        request.query.state,
      ),
    }),
  );

  // POST /v1/conversations/:conversationId/reports/:reportId/resolve
  app.post<{ Params: Static<typeof ReportParams> }>(
    '/v1/conversations/:conversationId/reports/:reportId/resolve',
    { schema: { tags, security: secured, params: ReportParams, response: { 200: ReportResponse } } },
    async (request) => {
      const auth = await authenticate(services, request);
      const { conversationId, reportId } = request.params;
      return { report: await services.moderation.resolveReport(auth, conversationId, reportId) };
    },
  );

  // POST /v1/conversations/:conversationId/invites
  app.post<ConvParams & { Body: Static<typeof CreateInviteBody> }>(
    '/v1/conversations/:conversationId/invites',
    { schema: { ...conv, body: CreateInviteBody, response: { 201: InviteResponse } } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const invite = await services.moderation.createInvite(auth, request.params.conversationId, request.body);
      return reply.status(201).send({ invite });
    },
  );

  // GET /v1/conversations/:conversationId/invites
  app.get<ConvParams>(
    '/v1/conversations/:conversationId/invites',
    { schema: { ...conv, response: { 200: InvitesResponse } } },
    async (request) => ({
      invites: await services.moderation.invites(await authenticate(services, request), request.params.conversationId),
    }),
  );

  // DELETE /v1/conversations/:conversationId/invites/:code
  app.delete<{ Params: Static<typeof ConversationInviteParams> }>(
    '/v1/conversations/:conversationId/invites/:code',
    { schema: { tags, security: secured, params: ConversationInviteParams } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.moderation.revokeInvite(auth, request.params.conversationId, request.params.code);
      return reply.status(204).send();
    },
  );

  // GET /v1/invites/:code
  app.get<{ Params: Static<typeof InviteParams> }>(
    '/v1/invites/:code',
    { schema: { tags, security: secured, params: InviteParams, response: { 200: InvitePreviewResponse } } },
    async (request) => services.moderation.previewInvite(await authenticate(services, request), request.params.code),
  );

  // POST /v1/invites/:code/accept
  app.post<{ Params: Static<typeof InviteParams> }>(
    '/v1/invites/:code/accept',
    {
      schema: { tags, security: secured, params: InviteParams, response: { 200: ConversationResponse } },
    },
    async (request) => ({
      conversation: await services.moderation.acceptInvite(await authenticate(services, request), request.params.code),
    }),
  );
}
