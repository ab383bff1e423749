/**
 * The admin API (`/v1/admin/...`) and two-factor authentication
 * over HTTP. Each handler maps to one service call; who may call what is decided in
 * services/admin.ts (`admin.as(auth)`), never here.
 */
import {
  AdminCreateUserBody,
  AdminDeleteUserBody,
  AdminResetPasswordBody,
  AdminSetAdminBody,
  AdminUserParams,
  AdminUserResponse,
  AdminUsersQuery,
  AdminUsersResponse,
  AuditQuery,
  AuditResponse,
  AuthResponse,
  DeadLetterParams,
  DeadLetterResponse,
  DeadLettersQuery,
  DeadLettersResponse,
  ConversationParams,
  ConversationResponse,
  ErrorResponse,
  RecoveryCodesResponse,
  RevokedResponse,
  SecondFactorLoginBody,
  ServerSettingsResponse,
  TwoFactorCodeBody,
  TwoFactorSetupResponse,
  TwoFactorStatusResponse,
  UpdateServerSettingsBody,
} from '@parley/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { selfActor } from '../../services/accounts';
import type { HttpOptions } from './app';
import { authenticate, originOf, secured } from './auth';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
type UserParams = { Params: Static<typeof AdminUserParams> };

export function registerAdminRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const admin = async (request: FastifyRequest) =>
    services.admin.as(await authenticate(services, request), originOf(request));
  const tags = ['admin'];
  // The options of a route on one user (`/v1/admin/users/:userId...`) that answers 200 with `response`.
  const onUser = (response: TSchema, body?: TSchema) => ({
    schema: {
      tags,
      security: secured,
      params: AdminUserParams,
      ...(body && { body }),
      response: { 200: response, ...errors },
    },
  });

  // GET /v1/admin/users?q=&cursor=&limit=
  app.get<{ Querystring: Static<typeof AdminUsersQuery> }>(
    '/v1/admin/users',
    {
      schema: {
        tags,
        security: secured,
        querystring: AdminUsersQuery,
        response: { 200: AdminUsersResponse, ...errors },
      },
    },
    async (request) => (await admin(request)).listUsers(request.query),
  );

  // POST /v1/admin/users
  app.post<{ Body: Static<typeof AdminCreateUserBody> }>(
    '/v1/admin/users',
    { schema: { tags, security: secured, body: AdminCreateUserBody, response: { 201: AdminUserResponse, ...errors } } },
    async (request, reply) => reply.status(201).send({ user: await (await admin(request)).createUser(request.body) }),
  );

  // GET /v1/admin/users/:userId
  app.get<UserParams>('/v1/admin/users/:userId', onUser(AdminUserResponse), async (request) => ({
    user: await (await admin(request)).getUser(request.params.userId),
  }));

  // POST /v1/admin/users/:userId/deactivate
  app.post<UserParams>('/v1/admin/users/:userId/deactivate', onUser(AdminUserResponse), async (request) => ({
    user: (await (await admin(request)).deactivate(request.params.userId)).user,
  }));

  // POST /v1/admin/users/:userId/reactivate
  app.post<UserParams>('/v1/admin/users/:userId/reactivate', onUser(AdminUserResponse), async (request) => ({
    user: await (await admin(request)).reactivate(request.params.userId),
  }));

  // POST /v1/admin/users/:userId/password
  app.post<UserParams & { Body: Static<typeof AdminResetPasswordBody> }>(
    '/v1/admin/users/:userId/password',
    onUser(RevokedResponse, AdminResetPasswordBody),
    async (request) => ({
      revokedSessions: await (await admin(request)).resetPassword(request.params.userId, request.body.newPassword),
    }),
  );

  // POST /v1/admin/users/:userId/logout
  app.post<UserParams>('/v1/admin/users/:userId/logout', onUser(RevokedResponse), async (request) => ({
    revokedSessions: await (await admin(request)).logoutEverywhere(request.params.userId),
  }));

  // PUT /v1/admin/users/:userId/admin
  app.put<UserParams & { Body: Static<typeof AdminSetAdminBody> }>(
    '/v1/admin/users/:userId/admin',
    onUser(AdminUserResponse, AdminSetAdminBody),
    async (request) => ({
      user: await (await admin(request)).setAdmin(request.params.userId, request.body.isAdmin),
    }),
  );

  // DELETE /v1/admin/users/:userId ({ withContent } in the body, optional)
  app.delete<UserParams & { Body: Static<typeof AdminDeleteUserBody> | undefined }>(
    '/v1/admin/users/:userId',
    { schema: { tags, security: secured, params: AdminUserParams, body: AdminDeleteUserBody, response: errors } },
    async (request, reply) => {
      const { userId } = request.params;
      const avatar = await (
        await admin(request)
      ).deleteUser(userId, { withContent: request.body?.withContent === true });
      if (avatar !== null) await services.files.dropOwnedAvatar(userId, new URL(avatar, 'http://x').pathname);
      return reply.status(204).send();
    },
  );

  // DELETE /v1/admin/users/:userId/2fa
  app.delete<UserParams>(
    '/v1/admin/users/:userId/2fa',
    { schema: { tags, security: secured, params: AdminUserParams, response: errors } },
    async (request, reply) => {
      await (await admin(request)).resetTwoFactor(request.params.userId);
      return reply.status(204).send();
    },
  );

  // GET /v1/admin/settings
  app.get(
    '/v1/admin/settings',
    { schema: { tags, security: secured, response: { 200: ServerSettingsResponse, ...errors } } },
    async (request) => ({ settings: await (await admin(request)).getSettings() }),
  );

  // PATCH /v1/admin/settings
  app.patch<{ Body: Static<typeof UpdateServerSettingsBody> }>(
    '/v1/admin/settings',
    {
      schema: {
        tags,
        security: secured,
        body: UpdateServerSettingsBody,
        response: { 200: ServerSettingsResponse, ...errors },
      },
    },
    async (request) => ({ settings: await (await admin(request)).updateSettings(request.body) }),
  );

  // GET /v1/admin/audit?action=&user=&from=&to=&before=&limit=
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/v1/admin/audit',
    { schema: { tags, security: secured, querystring: AuditQuery, response: { 200: AuditResponse, ...errors } } },
    async (request) => (await admin(request)).listAudit(request.query),
  );

  // GET /v1/admin/dead-letters?limit=
  app.get<{ Querystring: Static<typeof DeadLettersQuery> }>(
    '/v1/admin/dead-letters',
    {
      schema: {
        tags,
        security: secured,
        querystring: DeadLettersQuery,
        response: { 200: DeadLettersResponse, ...errors },
      },
    },
    async (request) => ({ deadLetters: await (await admin(request)).listDeadLetters(request.query.limit) }),
  );

  // POST /v1/admin/dead-letters/:id/retry
  app.post<{ Params: Static<typeof DeadLetterParams> }>(
    '/v1/admin/dead-letters/:id/retry',
    {
      schema: {
        tags,
        security: secured,
        params: DeadLetterParams,
        response: { 200: DeadLetterResponse, ...errors },
      },
    },
    async (request) => ({ deadLetter: await (await admin(request)).retryDeadLetter(request.params.id) }),
  );

  // DELETE /v1/admin/dead-letters/:id
  app.delete<{ Params: Static<typeof DeadLetterParams> }>(
    '/v1/admin/dead-letters/:id',
    { schema: { tags, security: secured, params: DeadLetterParams, response: { ...errors } } },
    async (request, reply) => {
      await (await admin(request)).deleteDeadLetter(request.params.id);
      return reply.status(204).send();
    },
  );

  // ---- two-factor authentication ----

  // POST /v1/auth/login/second-factor
  app.post<{ Body: Static<typeof SecondFactorLoginBody> }>(
    '/v1/auth/login/second-factor',
    {
      schema: { tags: ['accounts'], body: SecondFactorLoginBody, response: { 200: AuthResponse, ...errors } },
    },
    (request) => services.accounts.completeSecondFactor(request.body, originOf(request)),
  );

  // GET /v1/me/2fa
  app.get(
    '/v1/me/2fa',
    { schema: { tags: ['accounts'], security: secured, response: { 200: TwoFactorStatusResponse, ...errors } } },
    async (request) => services.twoFactor.status(await authenticate(services, request)),
  );

  // POST /v1/me/2fa/setup
  app.post(
    '/v1/me/2fa/setup',
    { schema: { tags: ['accounts'], security: secured, response: { 200: TwoFactorSetupResponse, ...errors } } },
    async (request) => services.twoFactor.setup(await authenticate(services, request)),
  );

  // POST /v1/me/2fa/enable
  app.post<{ Body: Static<typeof TwoFactorCodeBody> }>(
    '/v1/me/2fa/enable',
    {
      schema: {
        tags: ['accounts'],
        security: secured,
        body: TwoFactorCodeBody,
        response: { 200: RecoveryCodesResponse, ...errors },
      },
    },
    async (request) => {
      const auth = await authenticate(services, request);
      return services.twoFactor.enable(auth, request.body.code, selfActor(auth.user, originOf(request)));
    },
  );

  // POST /v1/me/2fa/disable
  app.post<{ Body: Static<typeof TwoFactorCodeBody> }>(
    '/v1/me/2fa/disable',
    { schema: { tags: ['accounts'], security: secured, body: TwoFactorCodeBody, response: errors } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.twoFactor.disable(auth, request.body.code, selfActor(auth.user, originOf(request)));
      return reply.status(204).send();
    },
  );

  // The options of a route on one conversation (`/v1/admin/conversations/:conversationId...`).
  const onConversation = (response?: TSchema) => ({
    schema: {
      tags,
      security: secured,
      params: ConversationParams,
      response: response ? { 200: response, ...errors } : errors,
    },
  });
  type ConvParams = { Params: Static<typeof ConversationParams> };

  // POST /v1/admin/conversations/:conversationId/archive
  app.post<ConvParams>(
    '/v1/admin/conversations/:conversationId/archive',
    onConversation(ConversationResponse),
    async (request) => ({
      conversation: await (await admin(request)).archiveConversation(request.params.conversationId),
    }),
  );

  // POST /v1/admin/conversations/:conversationId/unarchive
  app.post<ConvParams>(
    '/v1/admin/conversations/:conversationId/unarchive',
    onConversation(ConversationResponse),
    async (request) => ({
      conversation: await (await admin(request)).unarchiveConversation(request.params.conversationId),
    }),
  );

  // DELETE /v1/admin/conversations/:conversationId
  app.delete<ConvParams>('/v1/admin/conversations/:conversationId', onConversation(), async (request, reply) => {
    await (await admin(request)).deleteConversation(request.params.conversationId);
    return reply.status(204).send();
  });

  // POST /v1/me/2fa/recovery-codes
  app.post<{ Body: Static<typeof TwoFactorCodeBody> }>(
    '/v1/me/2fa/recovery-codes',
    {
      schema: {
        tags: ['accounts'],
        security: secured,
        body: TwoFactorCodeBody,
        response: { 200: RecoveryCodesResponse, ...errors },
      },
    },
    async (request) => {
      const auth = await authenticate(services, request);
      return services.twoFactor.regenerateRecoveryCodes(
        auth,
        request.body.code,
        selfActor(auth.user, originOf(request)),
      );
    },
  );
}
