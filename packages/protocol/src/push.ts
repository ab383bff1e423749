/**
 * Web Push (RFC 8030, payloads encrypted per RFC 8291, VAPID RFC 8292) over HTTP
 * (docs/notifications.md): the server's VAPID public key, each device's push
 * subscription (one per session: logging out removes it), the user's do-not-disturb
 * time, and the JSON that a push carries once the service worker decrypted it.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, MessageId } from './ids';
import { Timestamp } from './models';

/** Most push subscriptions one session (device) holds: a browser has one per origin. */
export const MAX_PUSH_SUBSCRIPTIONS_PER_SESSION = 4;
/** Characters of a message's text a push carries at most; longer texts end in "…". */
export const PUSH_TEXT_MAX_CHARS = 500;

export const VapidPublicKeyResponse = Type.Object({
  publicKey: Type.String({
    description: "The server's VAPID public key (uncompressed P-256 point, base64url): `applicationServerKey`",
  }),
});
export type VapidPublicKeyResponse = Static<typeof VapidPublicKeyResponse>;

const Base64Url = (min: number, max: number, description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: min, maxLength: max, description });

/** What `PushSubscription.toJSON()` gives in a browser (expirationTime is ignored). */
export const CreatePushSubscriptionBody = Type.Object(
  {
    endpoint: Type.String({ minLength: 1, maxLength: 2048, description: 'The push service URL (https)' }),
    keys: Type.Object(
      {
        p256dh: Base64Url(80, 100, "The device's P-256 public key (65 bytes, base64url)"),
        auth: Base64Url(16, 32, 'The 16-byte authentication secret (base64url)'),
      },
      { additionalProperties: false },
    ),
    expirationTime: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreatePushSubscriptionBody = Static<typeof CreatePushSubscriptionBody>;

export const PushSubscriptionInfo = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    endpoint: Type.String(),
    createdAt: Timestamp,
  },
  { description: "A device's push subscription (its keys are never sent back)" },
);
export type PushSubscriptionInfo = Static<typeof PushSubscriptionInfo>;
export const PushSubscriptionResponse = Type.Object({ subscription: PushSubscriptionInfo });
export const PushSubscriptionsResponse = Type.Object({ subscriptions: Type.Array(PushSubscriptionInfo) });
export const PushSubscriptionParams = Type.Object({
  subscriptionId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
});

export const DoNotDisturbBody = Type.Object(
  {
    until: Type.Union([Timestamp, Type.Null()], {
      description: 'No pushes before this time (epoch ms); null: notifications on',
    }),
  },
  { additionalProperties: false },
);
export type DoNotDisturbBody = Static<typeof DoNotDisturbBody>;
export const DoNotDisturbResponse = DoNotDisturbBody;

/**
 * The decrypted JSON of a push. `message`: a message to show; without `text` and
 * `senderName` when the server sends content-free pushes (PARLEY_PUSH_CONTENT=none, and
 * always for end-to-end encrypted conversations): the service worker fetches
 * `GET /v1/messages/{messageId}` itself. `clear`: the user read the conversation up to
 * `seq` on another device: close its notifications.
 */
export const PushPayload = Type.Union([
  Type.Object({
    v: Type.Literal(1),
    type: Type.Literal('message'),
    conversationId: ConversationId,
    messageId: MessageId,
    seq: Type.Integer({ minimum: 1 }),
    mention: Type.Boolean(),
    conversationName: Type.Optional(Type.String()),
    senderName: Type.Optional(Type.String()),
    text: Type.Optional(Type.String({ description: `At most ${PUSH_TEXT_MAX_CHARS} characters` })),
    encrypted: Type.Optional(Type.Literal(true)),
  }),
  Type.Object({
    v: Type.Literal(1),
    type: Type.Literal('clear'),
    conversationId: ConversationId,
    seq: Type.Integer({ minimum: 0 }),
  }),
]);
export type PushPayload = Static<typeof PushPayload>;
