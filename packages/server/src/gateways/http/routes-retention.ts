/**
 * Retention over HTTP (ADR 0019): the server's policy, legal holds and runs under
 * `/v1/admin/retention` (server admins: services/admin.ts decides), and a conversation's
 * own period under `/v1/conversations/{id}/retention` (the permission matrix decides, in
 * services/retention.ts); and exports (`/v1/admin/export`, JSON lines streamed as the
 * service's generator yields them). Each handler maps to one service call.
 */
import { Readable } from 'node:stream';
import {
  ConversationParams,
  ConversationRetentionBody,
  ConversationRetentionResponse,
  CreateRetentionHoldBody,
  ErrorResponse,
  ExportQuery,
  type ExportLine,
  RetentionHoldParams,
  RetentionHoldResponse,
  RetentionPolicyResponse,
  RetentionRunReport,
  RetentionStatusResponse,
  UpdateRetentionPolicyBody,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, originOf, secured } from './auth';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
type ConvParams = { Params: Static<typeof ConversationParams> };

export function registerRetentionRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const admin = async (request: FastifyRequest) =>
    services.admin.as(await authenticate(services, request), originOf(request));
  const tags = ['admin'];

  // GET /v1/admin/retention
  app.get(
    '/v1/admin/retention',
    { schema: { tags, security: secured, response: { 200: RetentionStatusResponse, ...errors } } },
    async (request) => (await admin(request)).retentionStatus(),
  );

  // PUT /v1/admin/retention
  app.put<{ Body: Static<typeof UpdateRetentionPolicyBody> }>(
    '/v1/admin/retention',
    {
      schema: {
        tags,
        security: secured,
        body: UpdateRetentionPolicyBody,
        response: { 200: RetentionPolicyResponse, ...errors },
      },
    },
    async (request) => ({ policy: await (await admin(request)).setRetentionPolicy(request.body) }),
  );

  // POST /v1/admin/retention/holds
  app.post<{ Body: Static<typeof CreateRetentionHoldBody> }>(
    '/v1/admin/retention/holds',
    {
      schema: {
        tags,
        security: secured,
        body: CreateRetentionHoldBody,
        response: { 200: RetentionHoldResponse, ...errors },
      },
    },
    async (request) => ({ hold: await (await admin(request)).addRetentionHold(request.body) }),
  );

  // DELETE /v1/admin/retention/holds/:holdId
  app.delete<{ Params: Static<typeof RetentionHoldParams> }>(
    '/v1/admin/retention/holds/:holdId',
    {
      schema: {
        tags,
        security: secured,
        params: RetentionHoldParams,
        response: { 200: RetentionHoldResponse, ...errors },
      },
    },
    async (request) => ({ hold: await (await admin(request)).removeRetentionHold(request.params.holdId) }),
  );

  // POST /v1/admin/retention/run
  app.post(
    '/v1/admin/retention/run',
    { schema: { tags, security: secured, response: { 200: RetentionRunReport, ...errors } } },
    async (request) => (await admin(request)).runRetention(),
  );

  // GET /v1/admin/export?conversationId= | ?userId= (application/x-ndjson)
  app.get<{ Querystring: Static<typeof ExportQuery> }>(
    '/v1/admin/export',
    { schema: { tags, security: secured, querystring: ExportQuery, response: errors } },
    async (request, reply) => {
      const lines = await (await admin(request)).exportLines(request.query);
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(ndjson(lines)));
    },
  );

  const conv = { tags: ['conversations'], security: secured, params: ConversationParams };

  // GET /v1/conversations/:conversationId/retention
  app.get<ConvParams>(
    '/v1/conversations/:conversationId/retention',
    { schema: { ...conv, response: { 200: ConversationRetentionResponse, ...errors } } },
    async (request) =>
      services.retention.conversationRetention(await authenticate(services, request), request.params.conversationId),
  );

  // PUT /v1/conversations/:conversationId/retention
  app.put<ConvParams & { Body: Static<typeof ConversationRetentionBody> }>(
    '/v1/conversations/:conversationId/retention',
    {
      schema: { ...conv, body: ConversationRetentionBody, response: { 200: ConversationRetentionResponse, ...errors } },
    },
    async (request) =>
      services.retention.setConversationRetention(
        await authenticate(services, request),
        request.params.conversationId,
        request.body.days,
      ),
  );
}

async function* ndjson(lines: AsyncIterable<ExportLine>): AsyncGenerator<string> {
  for await (const line of lines) yield `${JSON.stringify(line)}\n`;
}
