/**
 * Bots, their tokens, outgoing webhooks (subscriptions, deliveries, attempts,
 * redelivery) and incoming webhooks over HTTP (docs/bots.md). The secrets (a bot
 * token, a signing secret, an incoming webhook URL) are only in the 201 answers that
 * create them. The incoming webhook route takes no bearer token: the secret in its
 * path is the credential.
 */
import {
  BotParams,
  BotResponse,
  BotsResponse,
  BotTokenParams,
  BotTokensResponse,
  CreateBotBody,
  CreateBotTokenBody,
  CreatedBotTokenResponse,
  CreatedIncomingWebhookResponse,
  CreatedWebhookResponse,
  CreateIncomingWebhookBody,
  CreateWebhookBody,
  DeliveryParams,
  ErrorResponse,
  IncomingTokenParams,
  IncomingWebhookParams,
  IncomingWebhookPost,
  IncomingWebhookPostResponse,
  IncomingWebhooksQuery,
  IncomingWebhooksResponse,
  WebhookAttemptsQuery,
  WebhookAttemptsResponse,
  WebhookDeliveriesResponse,
  WebhookParams,
  WebhooksQuery,
  WebhooksResponse,
} from '@parley/protocol';
import type { Static } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerBotRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const bots = { tags: ['bots'], security: secured };
  const hooks = { tags: ['webhooks'], security: secured };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  // POST /v1/bots
  app.post<{ Body: Static<typeof CreateBotBody> }>(
    '/v1/bots',
    { schema: { ...bots, body: CreateBotBody, response: { 201: BotResponse, ...errors } } },
    async (request, reply) => {
      const bot = await services.bots.createBot(await authenticate(services, request), request.body);
      return reply.status(201).send({ bot });
    },
  );

  // GET /v1/bots
  app.get('/v1/bots', { schema: { ...bots, response: { 200: BotsResponse } } }, async (request) => ({
    bots: await services.bots.listBots(await authenticate(services, request)),
  }));

  // GET /v1/bots/:botId
  app.get<{ Params: Static<typeof BotParams> }>(
    '/v1/bots/:botId',
    { schema: { ...bots, params: BotParams, response: { 200: BotResponse, ...errors } } },
    async (request) => ({
      bot: await services.bots.getBot(await authenticate(services, request), request.params.botId),
    }),
  );

  // POST /v1/bots/:botId/tokens
  app.post<{ Params: Static<typeof BotParams>; Body: Static<typeof CreateBotTokenBody> }>(
    '/v1/bots/:botId/tokens',
    {
      schema: {
        ...bots,
        params: BotParams,
        body: CreateBotTokenBody,
        response: { 201: CreatedBotTokenResponse, ...errors },
      },
    },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      const created = await services.bots.createToken(auth, request.params.botId, request.body.name);
      return reply.status(201).send(created);
    },
  );

  // GET /v1/bots/:botId/tokens
  app.get<{ Params: Static<typeof BotParams> }>(
    '/v1/bots/:botId/tokens',
    { schema: { ...bots, params: BotParams, response: { 200: BotTokensResponse, ...errors } } },
    async (request) => ({
      tokens: await services.bots.listTokens(await authenticate(services, request), request.params.botId),
    }),
  );

  // DELETE /v1/bots/:botId/tokens/:tokenId
  app.delete<{ Params: Static<typeof BotTokenParams> }>(
    '/v1/bots/:botId/tokens/:tokenId',
    { schema: { ...bots, params: BotTokenParams } },
    async (request, reply) => {
      const auth = await authenticate(services, request);
      await services.bots.revokeToken(auth, request.params.botId, request.params.tokenId);
      return reply.status(204).send();
    },
  );

  // POST /v1/webhooks
  app.post<{ Body: Static<typeof CreateWebhookBody> }>(
    '/v1/webhooks',
    { schema: { ...hooks, body: CreateWebhookBody, response: { 201: CreatedWebhookResponse, ...errors } } },
    async (request, reply) => {
      const created = await services.webhooks.createSubscription(await authenticate(services, request), request.body);
      return reply.status(201).send(created);
    },
  );

  // GET /v1/webhooks?botId=
  app.get<{ Querystring: Static<typeof WebhooksQuery> }>(
    '/v1/webhooks',
    { schema: { ...hooks, querystring: WebhooksQuery, response: { 200: WebhooksResponse, ...errors } } },
    async (request) => ({
      subscriptions: await services.webhooks.listSubscriptions(
        await authenticate(services, request),
        request.query.botId,
      ),
    }),
  );

  // DELETE /v1/webhooks/:webhookId
  app.delete<{ Params: Static<typeof WebhookParams> }>(
    '/v1/webhooks/:webhookId',
    { schema: { ...hooks, params: WebhookParams } },
    async (request, reply) => {
      await services.webhooks.deleteSubscription(await authenticate(services, request), request.params.webhookId);
      return reply.status(204).send();
    },
  );

  // GET /v1/webhooks/:webhookId/deliveries
  app.get<{ Params: Static<typeof WebhookParams> }>(
    '/v1/webhooks/:webhookId/deliveries',
    { schema: { ...hooks, params: WebhookParams, response: { 200: WebhookDeliveriesResponse, ...errors } } },
    async (request) => ({
      deliveries: await services.webhooks.listDeliveries(
        await authenticate(services, request),
        request.params.webhookId,
      ),
    }),
  );

  // GET /v1/webhooks/:webhookId/attempts?deliveryId=&limit=
  app.get<{ Params: Static<typeof WebhookParams>; Querystring: Static<typeof WebhookAttemptsQuery> }>(
    '/v1/webhooks/:webhookId/attempts',
    {
      schema: {
        ...hooks,
        params: WebhookParams,
        querystring: WebhookAttemptsQuery,
        response: { 200: WebhookAttemptsResponse, ...errors },
      },
    },
    async (request) => ({
      attempts: await services.webhooks.listAttempts(
        await authenticate(services, request),
        request.params.webhookId,
        request.query,
      ),
    }),
  );

  // POST /v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver
  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    { schema: { ...hooks, params: DeliveryParams } },
    async (request, reply) => {
      const delivery = await services.webhooks.redeliver(
        await authenticate(services, request),
        request.params.webhookId,
        request.params.deliveryId,
      );
      return reply.status(202).send({ delivery });
    },
  );

  // POST /v1/incoming-webhooks
  app.post<{ Body: Static<typeof CreateIncomingWebhookBody> }>(
    '/v1/incoming-webhooks',
    {
      schema: {
        ...hooks,
        body: CreateIncomingWebhookBody,
        response: { 201: CreatedIncomingWebhookResponse, ...errors },
      },
    },
    async (request, reply) => {
      const created = await services.incomingWebhooks.create(await authenticate(services, request), request.body);
      return reply.status(201).send(created);
    },
  );

  // GET /v1/incoming-webhooks?botId=
  app.get<{ Querystring: Static<typeof IncomingWebhooksQuery> }>(
    '/v1/incoming-webhooks',
    {
      schema: { ...hooks, querystring: IncomingWebhooksQuery, response: { 200: IncomingWebhooksResponse, ...errors } },
    },
    async (request) => ({
      incoming: await services.incomingWebhooks.list(await authenticate(services, request), request.query.botId),
    }),
  );

  // DELETE /v1/incoming-webhooks/:incomingId
  app.delete<{ Params: Static<typeof IncomingWebhookParams> }>(
    '/v1/incoming-webhooks/:incomingId',
    { schema: { ...hooks, params: IncomingWebhookParams } },
    async (request, reply) => {
      await services.incomingWebhooks.remove(await authenticate(services, request), request.params.incomingId);
      return reply.status(204).send();
    },
  );

  // POST /v1/hooks/incoming/:token (no bearer token: the secret in the path is the credential)
  app.post<{ Params: Static<typeof IncomingTokenParams>; Body: Static<typeof IncomingWebhookPost> }>(
    '/v1/hooks/incoming/:token',
    {
      schema: {
        tags: ['webhooks'],
        params: IncomingTokenParams,
        body: IncomingWebhookPost,
        response: { 201: IncomingWebhookPostResponse, 400: ErrorResponse, 404: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const posted = await services.incomingWebhooks.post(request.params.token, request.body);
      return reply.status(201).send(posted);
    },
  );
}
