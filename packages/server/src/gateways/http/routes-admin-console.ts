/**
 * The admin API routes the web app's administration console needs beyond
 * routes-admin.ts: server invites, groups and channels across the server, the reports
 * of every conversation, storage totals and the Prometheus figures. Each handler maps
 * to one service call; `admin.as(auth)` decides who may call it, never this file.
 */
import {
  AdminConversationsQuery,
  AdminConversationsResponse,
  AdminReportParams,
  AdminReportsQuery,
  AdminReportsResponse,
  ConversationParams,
  ConversationResponse,
  CreateServerInviteBody,
  CreateServerInviteResponse,
  ErrorResponse,
  MembersResponse,
  PageQuery,
  ReportResponse,
  ResolveReportBody,
  ServerInviteParams,
  ServerInviteResponse,
  ServerInvitesResponse,
  StorageResponse,
  TransferOwnershipBody,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, originOf, secured } from './auth';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const tags = ['admin'];
type ConvParams = { Params: Static<typeof ConversationParams> };

export function registerAdminConsoleRoutes(app: FastifyInstance, { services, metrics }: HttpOptions): void {
  const admin = async (request: FastifyRequest) =>
    services.admin.as(await authenticate(services, request), originOf(request));
  const consoleOps = services.adminConsole;

  // GET /v1/admin/invites
  app.get(
    '/v1/admin/invites',
    { schema: { tags, security: secured, response: { 200: ServerInvitesResponse, ...errors } } },
    async (request) => ({ invites: await consoleOps.listInvites(await admin(request)) }),
  );

  // POST /v1/admin/invites
  app.post<{ Body: Static<typeof CreateServerInviteBody> }>(
    '/v1/admin/invites',
    {
      schema: {
        tags,
        security: secured,
        body: CreateServerInviteBody,
        response: { 201: CreateServerInviteResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await consoleOps.createInvite(await admin(request), request.body)),
  );

  // DELETE /v1/admin/invites/:inviteId (revokes; the invite stays listed)
  app.delete<{ Params: Static<typeof ServerInviteParams> }>(
    '/v1/admin/invites/:inviteId',
    {
      schema: {
        tags,
        security: secured,
        params: ServerInviteParams,
        response: { 200: ServerInviteResponse, ...errors },
      },
    },
    async (request) => ({ invite: await consoleOps.revokeInvite(await admin(request), request.params.inviteId) }),
  );

  // GET /v1/admin/conversations?q=&kind=&cursor=&limit=
  app.get<{ Querystring: Static<typeof AdminConversationsQuery> }>(
    '/v1/admin/conversations',
    {
      schema: {
        tags,
        security: secured,
        querystring: AdminConversationsQuery,
        response: { 200: AdminConversationsResponse, ...errors },
      },
    },
    async (request) => consoleOps.listConversations(await admin(request), request.query),
  );

  // GET /v1/admin/conversations/:conversationId/members?cursor=&limit=
  app.get<ConvParams & { Querystring: Static<typeof PageQuery> }>(
    '/v1/admin/conversations/:conversationId/members',
    {
      schema: {
        tags,
        security: secured,
        params: ConversationParams,
        querystring: PageQuery,
        response: { 200: MembersResponse, ...errors },
      },
    },
    async (request) => consoleOps.members(await admin(request), request.params.conversationId, request.query),
  );

  // POST /v1/admin/conversations/:conversationId/owner
  app.post<ConvParams & { Body: Static<typeof TransferOwnershipBody> }>(
    '/v1/admin/conversations/:conversationId/owner',
    {
      schema: {
        tags,
        security: secured,
        params: ConversationParams,
        body: TransferOwnershipBody,
        response: { 200: ConversationResponse, ...errors },
      },
    },
    async (request) => ({
      conversation: await consoleOps.transferOwnership(
        await admin(request),
        request.params.conversationId,
        request.body.userId,
      ),
    }),
  );

  // GET /v1/admin/reports?state=&limit=
  app.get<{ Querystring: Static<typeof AdminReportsQuery> }>(
    '/v1/admin/reports',
    {
      schema: {
        tags,
        security: secured,
        querystring: AdminReportsQuery,
        response: { 200: AdminReportsResponse, ...errors },
      },
    },
    async (request) => ({ reports: await consoleOps.reports(await admin(request), request.query) }),
  );

  // POST /v1/admin/reports/:reportId/resolve
  app.post<{ Params: Static<typeof AdminReportParams>; Body: Static<typeof ResolveReportBody> }>(
    '/v1/admin/reports/:reportId/resolve',
    {
      schema: {
        tags,
        security: secured,
        params: AdminReportParams,
        body: ResolveReportBody,
        response: { 200: ReportResponse, ...errors },
      },
    },
    async (request) => ({
      report: await consoleOps.resolveReport(await admin(request), request.params.reportId, request.body.outcome),
    }),
  );

  // GET /v1/admin/storage
  app.get(
    '/v1/admin/storage',
    { schema: { tags, security: secured, response: { 200: StorageResponse, ...errors } } },
    async (request) => consoleOps.storage(await admin(request)),
  );

  // GET /v1/admin/metrics: this node's /metrics text for the console's dashboard, with an admin's token
  // (so the figures reach a browser whatever a proxy does with /metrics).
  app.get('/v1/admin/metrics', { schema: { tags, security: secured, response: errors } }, async (request, reply) => {
    await admin(request);
    const body = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
}
