/** Bearer-token authentication for HTTP routes: `Authorization: Bearer <token>`. */
import type { FastifyRequest } from 'fastify';
import { normalizeAddress } from '../../net/client-address';
import type { AuthContext, ClientOrigin, Services } from '../../services';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function authenticate(services: Services, request: FastifyRequest): Promise<AuthContext> {
  return services.accounts.authenticate(bearerToken(request));
}

/** Where the request comes from: request.ip is the client behind trusted proxies (app.ts trustProxy). */
export function originOf(request: FastifyRequest): ClientOrigin {
  return { address: normalizeAddress(request.ip) };
}

/** OpenAPI security requirement for routes that need a token. */
export const secured = [{ bearer: [] }];
