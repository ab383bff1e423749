/** Web Push over HTTP (docs/notifications.md): the VAPID key, this device's subscriptions, do-not-disturb. */
import {
  CreatePushSubscriptionBody,
  DoNotDisturbBody,
  DoNotDisturbResponse,
  ErrorResponse,
  PushSubscriptionParams,
  PushSubscriptionResponse,
  PushSubscriptionsResponse,
  VapidPublicKeyResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerPushRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const schema = { tags: ['push'], security: secured };

  // GET /v1/push/vapid-public-key
  app.get(
    '/v1/push/vapid-public-key',
    { schema: { tags: ['push'], response: { 200: VapidPublicKeyResponse } } },
    async () => ({ publicKey: await services.push.vapidPublicKey() }),
  );

  // GET /v1/me/push-subscriptions
  app.get(
    '/v1/me/push-subscriptions',
    { schema: { ...schema, response: { 200: PushSubscriptionsResponse } } },
    async (request) => ({ subscriptions: await services.push.list(await authenticate(services, request)) }),
  );

  // POST /v1/me/push-subscriptions
  app.post<{ Body: Static<typeof CreatePushSubscriptionBody> }>(
    '/v1/me/push-subscriptions',
    {
      schema: {
        ...schema,
        body: CreatePushSubscriptionBody,
        response: { 201: PushSubscriptionResponse, 400: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const subscription = await services.push.subscribe(await authenticate(services, request), request.body);
      return reply.status(201).send({ subscription });
    },
  );

  // DELETE /v1/me/push-subscriptions/:subscriptionId
  app.delete<{ Params: Static<typeof PushSubscriptionParams> }>(
    '/v1/me/push-subscriptions/:subscriptionId',
    { schema: { ...schema, params: PushSubscriptionParams, response: { 404: ErrorResponse } } },
    async (request, reply) => {
      await services.push.unsubscribe(await authenticate(services, request), request.params.subscriptionId);
      return reply.status(204).send();
    },
  );

  // GET /v1/me/do-not-disturb
  app.get(
    '/v1/me/do-not-disturb',
    { schema: { ...schema, response: { 200: DoNotDisturbResponse } } },
    async (request) => ({
      until: await services.push.doNotDisturb(await authenticate(services, request)),
    }),
  );

  // PUT /v1/me/do-not-disturb
  app.put<{ Body: Static<typeof DoNotDisturbBody> }>(
    '/v1/me/do-not-disturb',
    { schema: { ...schema, body: DoNotDisturbBody, response: { 200: DoNotDisturbResponse } } },
    async (request) => ({
      until: await services.push.setDoNotDisturb(await authenticate(services, request), request.body.until),
    }),
  );
}
