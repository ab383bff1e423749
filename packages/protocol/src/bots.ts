/**
 * Bots and webhooks over HTTP (docs/bots.md): bot accounts and their tokens, outgoing
 * webhook subscriptions with their deliveries and attempts, and incoming webhooks.
 * Secrets (bot tokens, signing secrets, incoming webhook URLs) appear only in the
 * answer that creates them.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, SessionId, UserId } from './ids';
import { Timestamp, User, Username } from './models';

const idPattern = '^[A-Za-z0-9_-]{1,64}$';
const Id = (description: string) => Type.String({ pattern: idPattern, description });

/** Most bots one user owns. */
export const MAX_BOTS_PER_OWNER = 25;
/** Most live tokens one bot has. */
export const MAX_TOKENS_PER_BOT = 10;
/** Most outgoing webhook subscriptions of one bot. */
export const MAX_WEBHOOKS_PER_BOT = 10;
/** Most incoming webhooks of one bot. */
export const MAX_INCOMING_WEBHOOKS_PER_BOT = 20;

/**
 * Events an outgoing webhook can subscribe to. `message.mentioned`: a message that
 * mentions the bot by name; `member.joined` / `member.left` include being added and
 * removed. A bot's own actions are never delivered to its own webhooks.
 */
export const WebhookEventType = Type.Union([
  Type.Literal('message.created'),
  Type.Literal('message.mentioned'),
  Type.Literal('message.edited'),
  Type.Literal('message.deleted'),
  Type.Literal('reaction.added'),
  Type.Literal('reaction.removed'),
  Type.Literal('member.joined'),
  Type.Literal('member.left'),
  Type.Literal('interaction.created'),
]);
export type WebhookEventType = Static<typeof WebhookEventType>;
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'message.created',
  'message.mentioned',
  'message.edited',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'member.joined',
  'member.left',
  'interaction.created',
];

export const Bot = Type.Object(
  { user: User, ownerId: UserId },
  { description: 'A bot account (its user has `bot: true`) and who owns it' },
);
export type Bot = Static<typeof Bot>;

export const CreateBotBody = Type.Object(
  {
    username: Username,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    avatarUrl: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://' })),
  },
  { additionalProperties: false },
);
export type CreateBotBody = Static<typeof CreateBotBody>;
export const BotResponse = Type.Object({ bot: Bot });
export const BotsResponse = Type.Object({ bots: Type.Array(Bot) });
export const BotParams = Type.Object({ botId: UserId });

export const BotToken = Type.Object(
  {
    id: SessionId,
    name: Type.String(),
    createdAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()], { description: 'Last use, to the minute; null: never' }),
  },
  { description: 'A bot token as listed: never the secret itself' },
);
export type BotToken = Static<typeof BotToken>;
export const CreateBotTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type CreateBotTokenBody = Static<typeof CreateBotTokenBody>;
export const CreatedBotTokenResponse = Type.Object({
  token: Type.String({ description: 'The bearer token: shown once, stored hashed' }),
  info: BotToken,
});
export type CreatedBotTokenResponse = Static<typeof CreatedBotTokenResponse>;
export const BotTokensResponse = Type.Object({ tokens: Type.Array(BotToken) });
export const BotTokenParams = Type.Object({ botId: UserId, tokenId: SessionId });

export const WebhookSubscription = Type.Object({
  id: Id('Subscription id'),
  botId: UserId,
  url: Type.String(),
  eventTypes: Type.Array(WebhookEventType),
  conversationIds: Type.Union([Type.Array(ConversationId), Type.Null()], {
    description: 'null: every conversation the bot is a member of',
  }),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type WebhookSubscription = Static<typeof WebhookSubscription>;

export const CreateWebhookBody = Type.Object(
  {
    botId: UserId,
    url: Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' }),
    eventTypes: Type.Array(WebhookEventType, { minItems: 1, maxItems: 8, uniqueItems: true }),
    conversationIds: Type.Optional(Type.Array(ConversationId, { minItems: 1, maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;
export const CreatedWebhookResponse = Type.Object({
  subscription: WebhookSubscription,
  secret: Type.String({ description: 'The signing secret (`whsec_...`): shown once, never returned again' }),
});
export type CreatedWebhookResponse = Static<typeof CreatedWebhookResponse>;
export const WebhooksResponse = Type.Object({ subscriptions: Type.Array(WebhookSubscription) });
export const WebhookParams = Type.Object({ webhookId: Id('Subscription id') });
export const WebhooksQuery = Type.Object({ botId: UserId }, { additionalProperties: false });

export const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'The `webhook-id` header, the same on every attempt' }),
  subscriptionId: Type.String(),
  eventType: WebhookEventType,
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
  nextAttemptAt: Type.Union([Timestamp, Type.Null()]),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;
export const WebhookDeliveriesResponse = Type.Object({ deliveries: Type.Array(WebhookDelivery) });

export const WebhookAttempt = Type.Object({
  id: Type.String(),
  deliveryId: Type.String(),
  attempt: Type.Integer({ minimum: 1 }),
  startedAt: Timestamp,
  durationMs: Type.Integer({ minimum: 0 }),
  statusCode: Type.Union([Type.Integer(), Type.Null()], { description: 'null: no HTTP answer' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'timeout, network, refused_address...' }),
  response: Type.Union([Type.String(), Type.Null()], { description: 'The first 1 KiB of the answer' }),
});
export type WebhookAttempt = Static<typeof WebhookAttempt>;
export const WebhookAttemptsResponse = Type.Object({ attempts: Type.Array(WebhookAttempt) });
export const WebhookAttemptsQuery = Type.Object(
  {
    deliveryId: Type.Optional(Type.String({ pattern: idPattern })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export const DeliveryParams = Type.Object({ webhookId: Id('Subscription id'), deliveryId: Id('Delivery id') });

export const IncomingWebhook = Type.Object({
  id: Id('Incoming webhook id'),
  botId: UserId,
  conversationId: ConversationId,
  name: Type.String(),
  createdAt: Timestamp,
});
export type IncomingWebhook = Static<typeof IncomingWebhook>;
export const CreateIncomingWebhookBody = Type.Object(
  { botId: UserId, conversationId: ConversationId, name: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type CreateIncomingWebhookBody = Static<typeof CreateIncomingWebhookBody>;
export const CreatedIncomingWebhookResponse = Type.Object({
  incoming: IncomingWebhook,
  url: Type.String({ description: 'Path to POST to (`/v1/hooks/incoming/<secret>`): shown once, stored hashed' }),
});
export type CreatedIncomingWebhookResponse = Static<typeof CreatedIncomingWebhookResponse>;
export const IncomingWebhooksResponse = Type.Object({ incoming: Type.Array(IncomingWebhook) });
export const IncomingWebhookParams = Type.Object({ incomingId: Id('Incoming webhook id') });
export const IncomingWebhooksQuery = Type.Object({ botId: UserId }, { additionalProperties: false });

/** What an incoming webhook accepts: a message, posted as the bot. */
export const IncomingWebhookPost = Type.Object(
  {
    /** The message: Parley's Markdown subset, like any message text. */
    text: Type.String({ minLength: 1 }),
    /** Makes a retry safe: the same key posts once. */
    idempotencyKey: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' })),
  },
  { additionalProperties: false },
);
export type IncomingWebhookPost = Static<typeof IncomingWebhookPost>;
export const IncomingWebhookPostResponse = Type.Object({ messageId: Type.String(), seq: Type.Integer() });
export const IncomingTokenParams = Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,128}$' }) });
