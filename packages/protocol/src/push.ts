/**
 * Web Push (RFC 8030, payloads encrypted per RFC 8291, VAPID RFC 8292) over HTTP
 * (docs/notifications.md): the server's VAPID public key, each device's push
 * subscription (one per session: logging out removes it), the user's do-not-disturb
 * time and daily quiet hours, the record of recent push decisions ("why was I, or was I
 * not, notified"), and the JSON that a push carries once the service worker decrypted it.
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

const ClockTime = (description: string) =>
  Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: `${description} (HH:MM, 24-hour)` });

/**
 * A daily window without pushes, in the user's time zone: `start` 22:00 and `end` 07:00
 * silence the night (a window may cross midnight); `start` equal to `end` is refused.
 */
export const QuietHours = Type.Object(
  {
    start: ClockTime('Pushes stop at this local time'),
    end: ClockTime('Pushes resume at this local time'),
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'An IANA time zone name, such as `Europe/Paris` or `UTC`',
    }),
  },
  { additionalProperties: false },
);
export type QuietHours = Static<typeof QuietHours>;
export const QuietHoursBody = Type.Object(
  { quietHours: Type.Union([QuietHours, Type.Null()], { description: 'null: no quiet hours' }) },
  { additionalProperties: false },
);
export type QuietHoursBody = Static<typeof QuietHoursBody>;
export const QuietHoursResponse = QuietHoursBody;

/** Push decisions kept per user (older ones are deleted as new ones come). */
export const PUSH_DECISIONS_KEPT = 50;

/**
 * Why a device got a push or not. `notify`: a push was sent; `test`: the test
 * notification; the others held it back: `muted` (the conversation's level), `mentions_only`
 * (the level, and the message mentioned nobody you are), `do_not_disturb`, `quiet_hours`,
 * `active_device` (a device of yours showed the conversation then).
 */
export const PushDecisionReason = Type.Union([
  Type.Literal('notify'),
  Type.Literal('test'),
  Type.Literal('muted'),
  Type.Literal('mentions_only'),
  Type.Literal('do_not_disturb'),
  Type.Literal('quiet_hours'),
  Type.Literal('active_device'),
]);
export type PushDecisionReason = Static<typeof PushDecisionReason>;

/** What became of a push that was sent: `pending` until the push service answered. */
export const PushDelivery = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('gone'),
  Type.Literal('failed'),
]);
export type PushDelivery = Static<typeof PushDelivery>;

export const PushDecision = Type.Object(
  {
    id: Type.String(),
    /** The device's subscription (it may since be gone). */
    subscriptionId: Type.String(),
    conversationId: Type.Union([ConversationId, Type.Null()], { description: 'null for a test notification' }),
    messageId: Type.Union([MessageId, Type.Null()]),
    at: Timestamp,
    reason: PushDecisionReason,
    delivery: Type.Union([PushDelivery, Type.Null()], { description: 'null when no push was sent' }),
  },
  { description: 'One decision about one device and one message' },
);
export type PushDecision = Static<typeof PushDecision>;
export const PushDecisionsResponse = Type.Object({
  decisions: Type.Array(PushDecision, { description: `Newest first, at most ${PUSH_DECISIONS_KEPT}` }),
});
export type PushDecisionsResponse = Static<typeof PushDecisionsResponse>;
export const PushTestResponse = Type.Object({
  queued: Type.Integer({ minimum: 0, description: 'Test pushes queued: one per device with a subscription' }),
});

/**
 * The decrypted JSON of a push. `message`: a message to show; without `text` and
 * `senderName` when the server sends content-free pushes (PARLEY_PUSH_CONTENT=none, and
 * always for end-to-end encrypted conversations): the service worker fetches
 * `GET /v1/messages/{messageId}` itself. `clear`: the user read the conversation up to
 * `seq` on another device: close its notifications. `test`: the "send test notification" button.
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
  Type.Object({ v: Type.Literal(1), type: Type.Literal('test') }),
]);
export type PushPayload = Static<typeof PushPayload>;
