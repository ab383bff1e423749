/**
 * The HTTP/JSON API (fastify): request validation from the protocol's TypeBox
 * schemas (unknown properties are refused, not silently stripped), one error
 * mapper, the OpenAPI document, health and metrics, and the web app at `/`.
 * Routes live in routes-*.ts.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import { PROTOCOL_VERSION, type WireError } from '@parley/protocol';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
import { AppError } from '../../domain/errors';
import type { Logger } from '../../ports/logger';
import type { Metrics } from '../../observability/metrics';
import type { ProxyTrust } from '../../net/client-address';
import type { Services } from '../../services';
import { toWireError } from '../errors';
import { registerAccountRoutes } from './routes-accounts';
import { registerAvatarRoutes } from './routes-avatars';
import { registerAdminRoutes } from './routes-admin';
import { registerAdminConsoleRoutes } from './routes-admin-console';
import { registerRetentionRoutes } from './routes-retention';
import { registerExportRoutes } from './routes-export';
import { registerPresendHookRoutes } from './routes-presend-hooks';
import { registerBotRoutes } from './routes-bots';
import { registerInteractionRoutes } from './routes-interactions';
import { registerChannelRoutes } from './routes-channels';
import { registerContactRoutes } from './routes-contacts';
import { registerPushRoutes } from './routes-push';
import { registerMessageRoutes } from './routes-messages';
import { registerConversationRoutes } from './routes-conversations';
import { registerFileRoutes } from './routes-files';
import { registerE2eeRoutes } from './routes-e2ee';
import { createTusServer, registerUploadRoutes } from './uploads-tus';
import { registerXmppUploadRoutes } from './routes-xmpp-upload';
import type { DataStore } from '@tus/server';
import { registerModerationRoutes } from './routes-moderation';
import { registerOpsRoutes } from './routes-ops';
import { registerSearchRoutes } from './routes-search';
import { registerSsoRoutes } from './routes-sso';
import { registerWebRoutes } from './routes-web';

export interface HttpOptions {
  services: Services;
  logger: Logger;
  metrics: Metrics;
  maxBodyBytes: number;
  /** Which peers may say who the client is (X-Forwarded-For); request.ip is the client behind them. */
  proxyTrust: ProxyTrust;
  /** PARLEY_NODE_ID: the health answer names the node (which one a load balancer reached). */
  nodeId: string;
  /** Reports whether the server is shutting down (health turns 503). */
  isStopping: () => boolean;
  connectionCount: () => number;
  /** The built web app served at `/` (PARLEY_WEB_DIR); null: packages/web/dist of this repository. */
  webDir?: string | null;
  /** The server's public base URL (PARLEY_PUBLIC_URL, else where it listens): stored avatars are named under it. */
  httpUrl?: () => string;
  /** The tus data store for uploads in progress (main.ts picks local disk or S3). */
  uploads: DataStore;
}

interface ProblemError extends Error {
  problems?: { path: string; message: string }[];
}

function compileValidator(schema: TSchema, convert: boolean) {
  const validator = Compile(schema);
  return (data: unknown) => {
    const value = convert ? Value.Convert(schema, data) : data;
    if (validator.Check(value)) return { value };
    const error: ProblemError = new Error('The request does not match its schema.');
    error.problems = [...validator.Errors(value)]
      .slice(0, 10)
      .map((e) => ({ path: e.instancePath || '/', message: e.message }));
    return { error };
  };
}

/**
 * A route's validator or response serializer compiled on its first use instead of at start-up:
 * compiled, the ~70 response serializers (fast-json-stringify generates one function per schema)
 * and the request validators hold several MB that a server whose clients call a handful of routes
 * never needs (docs/performance.md, ADR 0015). Tests call every route, so a schema that does not
 * compile still fails there.
 */
function onFirstUse<A extends unknown[], R>(compile: () => (...args: A) => R): (...args: A) => R {
  let compiled: ((...args: A) => R) | undefined;
  return (...args: A) => (compiled ??= compile())(...args);
}

function mapFastifyError(error: FastifyError & ProblemError): WireError | undefined {
  switch (error.code) {
    case 'FST_ERR_VALIDATION':
      return {
        code: 'bad_request',
        message: error.message,
        retryable: false,
        details: { problems: error.problems ?? [] },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'frame_too_large', message: 'The request body exceeds PARLEY_MAX_FRAME_BYTES.', retryable: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'malformed_json', message: 'The request body is not valid JSON.', retryable: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'bad_request', message: 'Send JSON with Content-Type: application/json.', retryable: false };
    default:
      if (error instanceof SyntaxError)
        return { code: 'malformed_json', message: 'The request body is not valid JSON.', retryable: false };
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return { code: 'bad_request', message: error.message, retryable: false };
      }
      return undefined;
  }
}

const statusOf = (wire: WireError): number => new AppError(wire.code, wire.message).status;

export async function buildHttpApp(options: HttpOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: undefined,
    logger: false,
    bodyLimit: options.maxBodyBytes,
    // request.ip (and protocol, host) from X-Forwarded-* only when the peer is a trusted proxy.
    trustProxy: options.proxyTrust.none ? false : options.proxyTrust.trusts,
    schemaController: {
      compilersFactory: {
        // Fastify's own serializer compiler (fast-json-stringify), run on a route's first reply.
        buildSerializer: (externalSchemas, serializerOptions) => {
          const compile = SerializerSelector()(externalSchemas, serializerOptions);
          return (route) => onFirstUse(() => compile(route));
        },
      },
    },
  });

  app.setValidatorCompiler(({ schema, httpPart }) =>
    onFirstUse(() => compileValidator(schema as TSchema, httpPart === 'querystring' || httpPart === 'params')),
  );

  app.setErrorHandler((error: FastifyError & ProblemError, request, reply) => {
    const wire =
      error instanceof AppError
        ? error.toWire()
        : (mapFastifyError(error) ?? toWireError(error, options.logger, { url: request.url, address: request.ip }));
    options.metrics.errors.inc({ code: wire.code, gateway: 'http' });
    if (wire.code === 'rate_limited' && typeof wire.details?.retryAfterMs === 'number') {
      void reply.header('retry-after', Math.ceil(wire.details.retryAfterMs / 1000));
    }
    return reply.status(statusOf(wire)).send({ error: wire });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        retryable: false,
      },
    }),
  );

  app.addHook('onResponse', (request, reply, done) => {
    options.metrics.requestDuration.observe(
      { gateway: 'http', type: request.routeOptions.url ?? 'unknown' },
      reply.elapsedTime / 1000,
    );
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley HTTP API',
        version: `v1 (protocol ${PROTOCOL_VERSION})`,
        description: 'See docs/protocol.md for the WebSocket protocol.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });

  registerOpsRoutes(app, options);
  registerAccountRoutes(app, options);
  registerSsoRoutes(app, options);
  registerAvatarRoutes(app, options);
  registerAdminRoutes(app, options);
  registerAdminConsoleRoutes(app, options);
  registerRetentionRoutes(app, options);
  registerExportRoutes(app, options);
  registerPresendHookRoutes(app, options);
  registerContactRoutes(app, options);
  registerConversationRoutes(app, options);
  registerChannelRoutes(app, options);
  registerModerationRoutes(app, options);
  registerSearchRoutes(app, options);
  registerMessageRoutes(app, options);
  registerFileRoutes(app, options);
  registerE2eeRoutes(app, options);
  registerBotRoutes(app, options);
  registerPushRoutes(app, options);
  registerInteractionRoutes(app, options);
  await registerXmppUploadRoutes(app, options);
  await registerUploadRoutes(app, createTusServer(options.services, options.uploads, options.logger));
  await registerWebRoutes(app, options.webDir ?? null);
  return app;
}
