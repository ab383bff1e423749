/**
 * Pre-send hooks (docs/bots.md "Pre-send hooks", ADR 0030): URLs an administrator
 * configures that see each new message before it is stored and answer allow, change
 * or reject. The admin API's bodies (`/v1/admin/hooks`), the request a hook receives
 * and the answer it gives. The signing secret appears only in the answer that creates
 * the hook.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, UserId } from './ids';
import { Timestamp } from './models';

/** Most pre-send hooks of a server (each one adds its latency to every matching send). */
export const MAX_PRESEND_HOOKS = 10;
/** Bounds of a hook's deadline, in milliseconds. */
export const PRESEND_DEADLINE_MIN_MS = 50;
export const PRESEND_DEADLINE_MAX_MS = 10_000;
/** Longest rejection reason shown to the sender (longer ones are cut). */
export const PRESEND_REASON_MAX_CHARS = 500;

/** The kinds of content a hook can ask to see: a text, or a file's caption. Encrypted content is never sent. */
export const PresendContentType = Type.Union([Type.Literal('text'), Type.Literal('file')]);
export type PresendContentType = Static<typeof PresendContentType>;

/**
 * What happens when the hook does not answer in time, answers with an error or
 * nonsense, or its circuit breaker is open: `open` lets the message through as it
 * was sent, `closed` refuses it (`presend_unavailable`, retryable).
 */
export const PresendPolicy = Type.Union([Type.Literal('open'), Type.Literal('closed')]);
export type PresendPolicy = Static<typeof PresendPolicy>;

const HookId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Hook id' });

export const PresendHook = Type.Object(
  {
    id: HookId,
    url: Type.String(),
    conversationIds: Type.Union([Type.Array(ConversationId), Type.Null()], {
      description: 'null: every conversation',
    }),
    contentTypes: Type.Array(PresendContentType, { description: 'Which messages it sees' }),
    deadlineMs: Type.Integer({ minimum: PRESEND_DEADLINE_MIN_MS, maximum: PRESEND_DEADLINE_MAX_MS }),
    policy: PresendPolicy,
    enabled: Type.Boolean(),
    createdAt: Timestamp,
  },
  { description: 'A pre-send hook as listed: never its signing secret' },
);
export type PresendHook = Static<typeof PresendHook>;

export const CreatePresendHookBody = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://' }),
    conversationIds: Type.Optional(Type.Array(ConversationId, { minItems: 1, maxItems: 100, uniqueItems: true })),
    contentTypes: Type.Optional(Type.Array(PresendContentType, { minItems: 1, maxItems: 2, uniqueItems: true })),
    deadlineMs: Type.Optional(Type.Integer({ minimum: PRESEND_DEADLINE_MIN_MS, maximum: PRESEND_DEADLINE_MAX_MS })),
    policy: Type.Optional(PresendPolicy),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreatePresendHookBody = Static<typeof CreatePresendHookBody>;

export const UpdatePresendHookBody = Type.Object(
  {
    conversationIds: Type.Optional(
      Type.Union([Type.Array(ConversationId, { minItems: 1, maxItems: 100, uniqueItems: true }), Type.Null()]),
    ),
    contentTypes: Type.Optional(Type.Array(PresendContentType, { minItems: 1, maxItems: 2, uniqueItems: true })),
    deadlineMs: Type.Optional(Type.Integer({ minimum: PRESEND_DEADLINE_MIN_MS, maximum: PRESEND_DEADLINE_MAX_MS })),
    policy: Type.Optional(PresendPolicy),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePresendHookBody = Static<typeof UpdatePresendHookBody>;

export const CreatedPresendHookResponse = Type.Object({
  hook: PresendHook,
  secret: Type.String({ description: 'The signing secret (`whsec_...`): shown once, never returned again' }),
});
export type CreatedPresendHookResponse = Static<typeof CreatedPresendHookResponse>;
export const PresendHookResponse = Type.Object({ hook: PresendHook });
export type PresendHookResponse = Static<typeof PresendHookResponse>;
export const PresendHooksResponse = Type.Object({ hooks: Type.Array(PresendHook) });
export type PresendHooksResponse = Static<typeof PresendHooksResponse>;
export const PresendHookParams = Type.Object({ hookId: HookId });

/**
 * The body POSTed to a hook (signed with the Standard Webhooks headers). `content` is
 * what would be stored: a text, or a file with its caption (`caption` is what a change
 * replaces).
 */
export const PresendHookRequest = Type.Object({
  type: Type.Literal('message.presend'),
  timestamp: Type.String({ description: 'ISO 8601' }),
  data: Type.Object({
    hookId: HookId,
    conversationId: ConversationId,
    sender: Type.Object({ id: UserId, username: Type.String(), bot: Type.Boolean() }),
    clientId: Type.String(),
    contentType: PresendContentType,
    text: Type.String({ description: 'The text, or the file caption ("" when none)' }),
    fileName: Type.Optional(Type.String()),
    threadId: Type.Optional(Type.String()),
    replyTo: Type.Optional(Type.String()),
    forwarded: Type.Boolean(),
  }),
});
export type PresendHookRequest = Static<typeof PresendHookRequest>;

/**
 * A hook's answer (HTTP 2xx, JSON): `allow`; `change` with the text to store instead
 * (checked by the text rules like any text: a redaction); `reject` with the reason the
 * sender sees.
 */
export const PresendHookAnswer = Type.Union([
  Type.Object({ action: Type.Literal('allow') }),
  Type.Object({ action: Type.Literal('change'), text: Type.String() }),
  Type.Object({ action: Type.Literal('reject'), reason: Type.String({ minLength: 1 }) }),
]);
export type PresendHookAnswer = Static<typeof PresendHookAnswer>;
