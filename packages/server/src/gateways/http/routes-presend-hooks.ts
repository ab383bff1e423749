/**
 * Pre-send hooks over HTTP (`/v1/admin/hooks`, ADR 0030): add, list, change and remove
 * the hooks that see each message before it is stored. Server admins only: decided by
 * services/admin.ts (`admin.as(auth)`), never here. Each handler maps to one service call.
 */
import {
  CreatePresendHookBody,
  CreatedPresendHookResponse,
  ErrorResponse,
  PresendHookParams,
  PresendHookResponse,
  PresendHooksResponse,
  UpdatePresendHookBody,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, originOf, secured } from './auth';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
type HookParams = { Params: Static<typeof PresendHookParams> };

export function registerPresendHookRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const admin = async (request: FastifyRequest) =>
    services.admin.as(await authenticate(services, request), originOf(request));
  const tags = ['admin'];

  // GET /v1/admin/hooks
  app.get(
    '/v1/admin/hooks',
    { schema: { tags, security: secured, response: { 200: PresendHooksResponse, ...errors } } },
    async (request) => ({ hooks: await (await admin(request)).listPresendHooks() }),
  );

  // POST /v1/admin/hooks
  app.post<{ Body: Static<typeof CreatePresendHookBody> }>(
    '/v1/admin/hooks',
    {
      schema: {
        tags,
        security: secured,
        body: CreatePresendHookBody,
        response: { 201: CreatedPresendHookResponse, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await (await admin(request)).addPresendHook(request.body)),
  );

  // PATCH /v1/admin/hooks/:hookId
  app.patch<HookParams & { Body: Static<typeof UpdatePresendHookBody> }>(
    '/v1/admin/hooks/:hookId',
    {
      schema: {
        tags,
        security: secured,
        params: PresendHookParams,
        body: UpdatePresendHookBody,
        response: { 200: PresendHookResponse, ...errors },
      },
    },
    async (request) => ({
      hook: await (await admin(request)).updatePresendHook(request.params.hookId, request.body),
    }),
  );

  // DELETE /v1/admin/hooks/:hookId
  app.delete<HookParams>(
    '/v1/admin/hooks/:hookId',
    { schema: { tags, security: secured, params: PresendHookParams, response: errors } },
    async (request, reply) => {
      await (await admin(request)).removePresendHook(request.params.hookId);
      return reply.status(204).send();
    },
  );
}
