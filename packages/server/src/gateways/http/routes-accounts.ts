/** Accounts, sessions and profiles over HTTP. Each handler maps to one service call. */
import {
  AuthResponse,
  ChangePasswordBody,
  DeleteAccountBody,
  ErrorResponse,
  LoginBody,
  RegisterBody,
  SessionParams,
  ServerInfoResponse,
  SessionsResponse,
  PrivacyResponse,
  UpdatePrivacyBody,
  UpdateProfileBody,
  UserParams,
  UserResponse,
  UserSearchQuery,
  UserSearchResponse,
  UsersResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { toUser } from '../../services/accounts';
import type { HttpOptions } from './app';
import { authenticate, bearerToken, originOf, secured } from './auth';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse };
const UsernameQuery = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) });

/** Registration, login and password change count against the client address's budget (services/rate-limits.ts). */
export function registerAccountRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  // GET /v1/server (public; `sso` when single sign-on is on; with a valid token it adds `viewer`: whether you are a server admin)
  app.get('/v1/server', { schema: { tags: ['accounts'], response: { 200: ServerInfoResponse } } }, async (request) => {
    const sso = services.sso.publicInfo;
    const stored = await services.accounts.serverInfo();
    // SSO only: sign-up with a password is refused, so the app must not offer it.
    const info = sso
      ? { ...stored, registration: sso.passwordLogin ? stored.registration : ('closed' as const), sso }
      : stored;
    if (bearerToken(request) === undefined) return info;
    return { ...info, viewer: await services.admin.viewer(await authenticate(services, request)) };
  });

  // POST /v1/auth/register
  app.post<{ Body: Static<typeof RegisterBody> }>(
    '/v1/auth/register',
    { schema: { tags: ['accounts'], body: RegisterBody, response: { 201: AuthResponse, ...errors } } },
    async (request, reply) => reply.status(201).send(await services.accounts.register(request.body, originOf(request))),
  );

  // POST /v1/auth/login
  app.post<{ Body: Static<typeof LoginBody> }>(
    '/v1/auth/login',
    { schema: { tags: ['accounts'], body: LoginBody, response: { 200: AuthResponse, ...errors } } },
    (request) => services.accounts.login(request.body, originOf(request)),
  );

  // POST /v1/auth/logout
  app.post('/v1/auth/logout', { schema: { tags: ['accounts'], security: secured } }, async (request, reply) => {
    await services.accounts.logout(await authenticate(services, request), originOf(request));
    return reply.status(204).send();
  });

  // POST /v1/auth/password
  app.post<{ Body: Static<typeof ChangePasswordBody> }>(
    '/v1/auth/password',
    { schema: { tags: ['accounts'], security: secured, body: ChangePasswordBody } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const { currentPassword, newPassword } = request.body;
      await services.accounts.changePassword(auth, currentPassword, newPassword, originOf(request));
      return reply.status(204).send();
    },
  );

  // GET /v1/sessions
  app.get(
    '/v1/sessions',
    { schema: { tags: ['accounts'], security: secured, response: { 200: SessionsResponse } } },
    async (request) => ({
      sessions: await services.accounts.listSessions(await authenticate(services, request)),
    }),
  );

  // DELETE /v1/sessions/:sessionId
  app.delete<{ Params: Static<typeof SessionParams> }>(
    '/v1/sessions/:sessionId',
    { schema: { tags: ['accounts'], security: secured, params: SessionParams } },
    async (request, reply) => {
      await services.accounts.revokeSession(
        await authenticate(services, request),
        request.params.sessionId,
        originOf(request),
      );
      return reply.status(204).send();
    },
  );

  // GET /v1/me
  app.get(
    '/v1/me',
    { schema: { tags: ['accounts'], security: secured, response: { 200: UserResponse } } },
    async (request) => ({
      user: toUser((await authenticate(services, request)).user),
    }),
  );

  // PATCH /v1/me
  app.patch<{ Body: Static<typeof UpdateProfileBody> }>(
    '/v1/me',
    { schema: { tags: ['accounts'], security: secured, body: UpdateProfileBody, response: { 200: UserResponse } } },
    async (request) => ({
      user: await services.accounts.updateProfile(await authenticate(services, request), request.body),
    }),
  );

  // DELETE /v1/me ({ password, withContent? } in the body)
  app.delete<{ Body: Static<typeof DeleteAccountBody> }>(
    '/v1/me',
    { schema: { tags: ['accounts'], security: secured, body: DeleteAccountBody, response: errors } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const avatar = await services.accounts.deleteAccount(auth, request.body.password, originOf(request), {
        withContent: request.body.withContent === true,
      });
      if (avatar !== null) await services.files.dropAvatar(auth, new URL(avatar, 'http://x').pathname);
      return reply.status(204).send();
    },
  );

  // GET /v1/me/privacy
  app.get(
    '/v1/me/privacy',
    { schema: { tags: ['accounts'], security: secured, response: { 200: PrivacyResponse } } },
    async (request) => ({ privacy: await services.privacy.get(await authenticate(services, request)) }),
  );

  // PATCH /v1/me/privacy
  app.patch<{ Body: Static<typeof UpdatePrivacyBody> }>(
    '/v1/me/privacy',
    {
      schema: { tags: ['accounts'], security: secured, body: UpdatePrivacyBody, response: { 200: PrivacyResponse } },
    },
    async (request) => ({
      privacy: await services.privacy.update(await authenticate(services, request), request.body),
    }),
  );

  // GET /v1/users?username=
  app.get<{ Querystring: Static<typeof UsernameQuery> }>(
    '/v1/users',
    { schema: { tags: ['accounts'], security: secured, querystring: UsernameQuery, response: { 200: UsersResponse } } },
    async (request) => ({
      users: await services.accounts.findProfiles(await authenticate(services, request), request.query.username),
    }),
  );

  // GET /v1/users/search?q=&cursor=&limit=
  app.get<{ Querystring: Static<typeof UserSearchQuery> }>(
    '/v1/users/search',
    {
      schema: {
        tags: ['accounts'],
        security: secured,
        querystring: UserSearchQuery,
        response: { 200: UserSearchResponse, ...errors },
      },
    },
    async (request) => services.directory.search(await authenticate(services, request), request.query),
  );

  // GET /v1/users/:userId
  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:userId',
    { schema: { tags: ['accounts'], security: secured, params: UserParams, response: { 200: UserResponse } } },
    async (request) => ({
      user: await services.accounts.profile(await authenticate(services, request), request.params.userId),
    }),
  );
}
