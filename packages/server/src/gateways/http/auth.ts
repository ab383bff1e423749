/** Bearer-token authentication for HTTP routes: `Authorization: Bearer <token>`. */
import type { FastifyRequest } from 'fastify';
import type { AuthContext, Services } from '../../services';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

export function authenticate(services: Services, request: FastifyRequest): Promise<AuthContext> {
  return services.accounts.authenticate(bearerToken(request));
}

/** OpenAPI security requirement for routes that need a token. */
export const secured = [{ bearer: [] }];
