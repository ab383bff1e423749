/**
 * Slash commands and interactions over HTTP (docs/bots.md, ADR 0018): a bot's command
 * list, the commands offered in a conversation, invoking one, clicking a component of a
 * bot's message, and the bot's answer. Each handler is one service call; who may do what
 * is decided in services/interactions.ts.
 */
import {
  BotCommandsResponse,
  BotParams,
  ClickComponentBody,
  ConversationCommandsResponse,
  ConversationParams,
  ErrorResponse,
  InteractionCreatedResponse,
  InteractionParams,
  InteractionResponseBody,
  InteractionUpdate,
  InvokeCommandBody,
  MessageParams,
  SetBotCommandsBody,
} from '@parley/protocol';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { HttpOptions } from './app';
import { authenticate, secured } from './auth';

export function registerInteractionRoutes(app: FastifyInstance, { services }: HttpOptions): void {
  const schema = { tags: ['interactions'], security: secured };
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

  // PUT /v1/bots/:botId/commands
  app.put<{ Params: Static<typeof BotParams>; Body: SetBotCommandsBody }>(
    '/v1/bots/:botId/commands',
    {
      schema: {
        ...schema,
        params: BotParams,
        body: SetBotCommandsBody,
        response: { 200: BotCommandsResponse, ...errors },
      },
    },
    async (request) => ({
      commands: await services.interactions.setCommands(
        await authenticate(services, request),
        request.params.botId,
        request.body.commands,
      ),
    }),
  );

  // GET /v1/bots/:botId/commands
  app.get<{ Params: Static<typeof BotParams> }>(
    '/v1/bots/:botId/commands',
    { schema: { ...schema, params: BotParams, response: { 200: BotCommandsResponse, ...errors } } },
    async (request) => ({
      commands: await services.interactions.listCommands(await authenticate(services, request), request.params.botId),
    }),
  );

  // GET /v1/conversations/:conversationId/commands
  app.get<{ Params: Static<typeof ConversationParams> }>(
    '/v1/conversations/:conversationId/commands',
    { schema: { ...schema, params: ConversationParams, response: { 200: ConversationCommandsResponse, ...errors } } },
    async (request) => ({
      commands: await services.interactions.conversationCommands(
        await authenticate(services, request),
        request.params.conversationId,
      ),
    }),
  );

  // POST /v1/conversations/:conversationId/commands
  app.post<{ Params: Static<typeof ConversationParams>; Body: InvokeCommandBody }>(
    '/v1/conversations/:conversationId/commands',
    {
      schema: {
        ...schema,
        params: ConversationParams,
        body: InvokeCommandBody,
        response: { 200: InteractionCreatedResponse, 202: InteractionCreatedResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { id, deadlineAt, update } = await services.interactions.invoke(
        await authenticate(services, request),
        request.params.conversationId,
        request.body,
      );
      // A built-in command is done already (200, with its outcome); a bot's is on its way (202).
      if (update) return reply.status(200).send({ interaction: { id, deadlineAt }, update });
      return reply.status(202).send({ interaction: { id, deadlineAt } });
    },
  );

  // POST /v1/messages/:messageId/interactions
  app.post<{ Params: Static<typeof MessageParams>; Body: ClickComponentBody }>(
    '/v1/messages/:messageId/interactions',
    {
      schema: {
        ...schema,
        params: MessageParams,
        body: ClickComponentBody,
        response: { 202: InteractionCreatedResponse, ...errors },
      },
    },
    async (request, reply) => {
      const interaction = await services.interactions.click(
        await authenticate(services, request),
        request.params.messageId,
        request.body,
      );
      return reply.status(202).send({ interaction: { id: interaction.id, deadlineAt: interaction.deadlineAt } });
    },
  );

  // POST /v1/interactions/:interactionId/response
  app.post<{ Params: Static<typeof InteractionParams>; Body: InteractionResponseBody }>(
    '/v1/interactions/:interactionId/response',
    {
      schema: {
        ...schema,
        params: InteractionParams,
        body: InteractionResponseBody,
        response: { 200: Type.Object({ update: InteractionUpdate }), ...errors },
      },
    },
    async (request) => ({
      update: await services.interactions.respond(
        await authenticate(services, request),
        request.params.interactionId,
        request.body,
      ),
    }),
  );
}
