/**
 * The MLS delivery service over HTTP (issue 15): devices, key packages, a group's state,
 * commits and Welcome messages. Application messages go through `message.send` like any
 * message (with `content.type: "mls"`). Decode, call services/e2ee.ts, encode: nothing more.
 */
import {
  ClaimKeyPackagesBody,
  ClaimKeyPackagesResponse,
  CommitBody,
  CommitResponse,
  ConversationParams,
  DeviceResponse,
  DevicesResponse,
  E2eeGroupResponse,
  E2eeWelcomeParams,
  KeyPackageCountResponse,
  RegisterDeviceBody,
  UploadKeyPackagesBody,
  UserParams,
  WelcomesResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerE2eeRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const tags = ['e2ee'];

  // POST /v1/e2ee/devices
  app.post<{ Body: Static<typeof RegisterDeviceBody> }>(
    '/v1/e2ee/devices',
    { schema: { tags, security: secured, body: RegisterDeviceBody, response: { 200: DeviceResponse } } },
    async (request) => ({
      device: await services.e2ee.registerDevice(await authenticate(services, request), request.body.signatureKey),
    }),
  );

  // GET /v1/users/:userId/e2ee/devices
  app.get<{ Params: Static<typeof UserParams> }>(
    '/v1/users/:userId/e2ee/devices',
    { schema: { tags, security: secured, params: UserParams, response: { 200: DevicesResponse } } },
    async (request) => {
      await authenticate(services, request);
      return { devices: await services.e2ee.devices(request.params.userId) };
    },
  );

  // POST /v1/e2ee/key-packages
  app.post<{ Body: Static<typeof UploadKeyPackagesBody> }>(
    '/v1/e2ee/key-packages',
    { schema: { tags, security: secured, body: UploadKeyPackagesBody, response: { 200: KeyPackageCountResponse } } },
    async (request) =>
      services.e2ee.uploadKeyPackages(
        await authenticate(services, request),
        request.body.keyPackages,
        request.body.lastResort,
      ),
  );

  // GET /v1/e2ee/key-packages
  app.get(
    '/v1/e2ee/key-packages',
    { schema: { tags, security: secured, response: { 200: KeyPackageCountResponse } } },
    async (request) => services.e2ee.keyPackageCount(await authenticate(services, request)),
  );

  // POST /v1/e2ee/key-packages/claim
  app.post<{ Body: Static<typeof ClaimKeyPackagesBody> }>(
    '/v1/e2ee/key-packages/claim',
    { schema: { tags, security: secured, body: ClaimKeyPackagesBody, response: { 200: ClaimKeyPackagesResponse } } },
    async (request) => services.e2ee.claimKeyPackages(await authenticate(services, request), request.body.userIds),
  );

  // GET /v1/conversations/:conversationId/e2ee
  app.get<{ Params: Static<typeof ConversationParams> }>(
    '/v1/conversations/:conversationId/e2ee',
    { schema: { tags, security: secured, params: ConversationParams, response: { 200: E2eeGroupResponse } } },
    async (request) => ({
      group: await services.e2ee.group(await authenticate(services, request), request.params.conversationId),
    }),
  );

  // POST /v1/conversations/:conversationId/e2ee/commits
  app.post<{ Params: Static<typeof ConversationParams>; Body: Static<typeof CommitBody> }>(
    '/v1/conversations/:conversationId/e2ee/commits',
    {
      schema: {
        tags,
        security: secured,
        params: ConversationParams,
        body: CommitBody,
        response: { 200: CommitResponse },
      },
    },
    async (request) =>
      services.e2ee.commit(await authenticate(services, request), request.params.conversationId, request.body),
  );

  // GET /v1/e2ee/welcomes
  app.get(
    '/v1/e2ee/welcomes',
    { schema: { tags, security: secured, response: { 200: WelcomesResponse } } },
    async (request) => ({ welcomes: await services.e2ee.welcomes(await authenticate(services, request)) }),
  );

  // DELETE /v1/e2ee/welcomes/:welcomeId
  app.delete<{ Params: Static<typeof E2eeWelcomeParams> }>(
    '/v1/e2ee/welcomes/:welcomeId',
    { schema: { tags, security: secured, params: E2eeWelcomeParams } },
    async (request, reply) => {
      await services.e2ee.ackWelcome(await authenticate(services, request), request.params.welcomeId);
      return reply.status(204).send();
    },
  );
}
