/** Operations endpoints: health, Prometheus metrics, the OpenAPI document. */
import type { FastifyInstance } from 'fastify';
import type { HttpOptions } from './app';

export function registerOpsRoutes(app: FastifyInstance, options: HttpOptions): void {
  // GET /healthz
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (options.isStopping()) return reply.status(503).send({ status: 'stopping', node: options.nodeId });
    return {
      status: 'ok',
      node: options.nodeId,
      connections: options.connectionCount(),
      uptimeSeconds: Math.round(process.uptime()),
    };
  });

  // GET /metrics
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const body = await options.metrics.registry.metrics();
    return reply.header('content-type', options.metrics.registry.contentType).send(body);
  });

  // GET /v1/openapi.json
  app.get('/v1/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
