/**
 * Web Push over HTTP (docs/notifications.md): the VAPID key, this device's subscriptions,
 * do-not-disturb, quiet hours, the recent push decisions and the test push.
 */
import {
  CreatePushSubscriptionBody,
  DoNotDisturbBody,
  DoNotDisturbResponse,
  ErrorResponse,
  PushSubscriptionParams,
  PushSubscriptionResponse,
  PushSubscriptionsResponse,
  PushDecisionsResponse,
  PushTestResponse,
  QuietHoursBody,
  QuietHoursResponse,
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

  // GET /v1/me/quiet-hours
  app.get('/v1/me/quiet-hours', { schema: { ...schema, response: { 200: QuietHoursResponse } } }, async (request) => ({
    quietHours: await services.pushPreferences.quietHours(await authenticate(services, request)),
  }));

  // PUT /v1/me/quiet-hours
  app.put<{ Body: Static<typeof QuietHoursBody> }>(
    '/v1/me/quiet-hours',
    { schema: { ...schema, body: QuietHoursBody, response: { 200: QuietHoursResponse, 400: ErrorResponse } } },
    async (request) => ({
      quietHours: await services.pushPreferences.setQuietHours(
        await authenticate(services, request),
        request.body.quietHours,
      ),
    }),
  );

  // GET /v1/me/push-decisions
  app.get(
    '/v1/me/push-decisions',
    { schema: { ...schema, response: { 200: PushDecisionsResponse } } },
    async (request) => ({
      decisions: await services.pushPreferences.decisions(await authenticate(services, request)),
    }),
  );

  // POST /v1/me/push-test
  app.post(
    '/v1/me/push-test',
    { schema: { ...schema, response: { 202: PushTestResponse, 429: ErrorResponse } } },
    async (request, reply) => {
      const queued = await services.pushPreferences.sendTest(await authenticate(services, request));
      return reply.status(202).send({ queued });
    },
  );
}
