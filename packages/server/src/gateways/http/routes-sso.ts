/**
 * Single sign-on over HTTP (services/sso.ts, ADR 0023). `start` and `callback` are
 * browser navigations, so they answer with redirects, not JSON: the callback sends
 * the browser to the web app with a one-time code (`/#/sso?code=...`) or the reason
 * of a refusal (`/#/sso?error=<reason>`), never with a session token. The secret that
 * binds a login to the browser that started it travels in an HttpOnly cookie scoped
 * to these routes; `exchange` (a same-origin fetch) carries it too.
 */
import { AuthResponse, ErrorResponse, SsoExchangeBody } from '@parley/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { AppError } from '../../domain/errors';
import type { HttpOptions } from './app';
import { originOf } from './auth';

const COOKIE = 'parley_sso';
const COOKIE_PATH = '/v1/auth/sso';

/** The login cookie's value, if the request carries one. */
function browserSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}

function cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${COOKIE}=${value}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function registerSsoRoutes(app: FastifyInstance, { services, httpUrl }: HttpOptions): void {
  const base = () => httpUrl?.() ?? '';
  const secure = () => base().startsWith('https:');

  /** Back to the web app with the reason of a refusal (the app shows it). */
  const refused = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (error instanceof AppError && error.code === 'sso_failed') {
      const given = error.details?.reason;
      const reason = typeof given === 'string' ? given : 'provider';
      return reply.redirect(`${base()}/#/sso?error=${encodeURIComponent(reason)}`, 303);
    }
    throw error;
  };

  // GET /v1/auth/sso/start (a navigation: 303 to the identity provider)
  app.get('/v1/auth/sso/start', { schema: { tags: ['accounts'] } }, async (_request, reply) => {
    let started: { url: string; browser: string };
    try {
      started = await services.sso.start(base());
    } catch (error) {
      return refused(reply, error);
    }
    void reply.header('set-cookie', cookie(started.browser, 3600, secure()));
    void reply.header('cache-control', 'no-store');
    return reply.redirect(started.url, 303);
  });

  // GET /v1/auth/sso/callback?code=...&state=... (the provider sends the browser here)
  app.get('/v1/auth/sso/callback', { schema: { tags: ['accounts'] } }, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    // Only the query matters: the service puts it on the registered redirect URI.
    const current = new URL(request.url, 'http://callback.invalid');
    let code: string;
    try {
      code = await services.sso.callback(current, browserSecret(request), originOf(request));
    } catch (error) {
      return refused(reply, error);
    }
    return reply.redirect(`${base()}/#/sso?code=${encodeURIComponent(code)}`, 303);
  });

  // POST /v1/auth/sso/exchange (the web app trades the one-time code for a session)
  app.post<{ Body: Static<typeof SsoExchangeBody> }>(
    '/v1/auth/sso/exchange',
    {
      schema: {
        tags: ['accounts'],
        body: SsoExchangeBody,
        response: { 200: AuthResponse, 400: ErrorResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const authenticated = await services.sso.exchange(request.body, browserSecret(request), originOf(request));
      // The login is over: the browser no longer needs its secret.
      void reply.header('set-cookie', cookie('', 0, secure()));
      return authenticated;
    },
  );
}
