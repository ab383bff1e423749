/** Contact list and block list over HTTP. */
import {
  ContactResponse,
  ContactsResponse,
  ErrorResponse,
  UpdateContactBody,
  UserParams,
  UsersResponse,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

type UserRoute = { Params: Static<typeof UserParams> };

export function registerContactRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const schema = { tags: ['contacts'], security: secured };
  const withUser = { ...schema, params: UserParams };

  // GET /v1/contacts
  app.get('/v1/contacts', { schema: { ...schema, response: { 200: ContactsResponse } } }, async (request) =>
    services.contacts.listContactEntries(await authenticate(services, request)),
  );

  // PUT /v1/contacts/:userId
  app.put<UserRoute>('/v1/contacts/:userId', { schema: withUser }, async (request, reply) => {
    await services.contacts.addContact(await authenticate(services, request), request.params.userId);
    return reply.status(204).send();
  });

  // PATCH /v1/contacts/:userId
  app.patch<UserRoute & { Body: Static<typeof UpdateContactBody> }>(
    '/v1/contacts/:userId',
    {
      schema: {
        ...withUser,
        body: UpdateContactBody,
        response: { 200: ContactResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => ({
      contact: await services.contacts.updateContact(
        await authenticate(services, request),
        request.params.userId,
        request.body,
      ),
    }),
  );

  // DELETE /v1/contacts/:userId
  app.delete<UserRoute>('/v1/contacts/:userId', { schema: withUser }, async (request, reply) => {
    await services.contacts.removeContact(await authenticate(services, request), request.params.userId);
    return reply.status(204).send();
  });

  // GET /v1/blocks
  app.get('/v1/blocks', { schema: { ...schema, response: { 200: UsersResponse } } }, async (request) => ({
    users: await services.contacts.listBlocks(await authenticate(services, request)),
  }));

  // PUT /v1/blocks/:userId
  app.put<UserRoute>('/v1/blocks/:userId', { schema: withUser }, async (request, reply) => {
    await services.contacts.block(await authenticate(services, request), request.params.userId);
    return reply.status(204).send();
  });

  // DELETE /v1/blocks/:userId
  app.delete<UserRoute>('/v1/blocks/:userId', { schema: withUser }, async (request, reply) => {
    await services.contacts.unblock(await authenticate(services, request), request.params.userId);
    return reply.status(204).send();
  });
}
