/**
 * Retention and legal holds (issue 19, docs/adr/0019): the server's policy, a
 * conversation's own period, legal holds and retention runs, as the admin API
 * (`/v1/admin/retention...`) and `/v1/conversations/{id}/retention` carry them. Who may
 * set what is the server's rule (docs/protocol.md "Retention").
 */
import { Type, type Static } from 'typebox';
import { ConversationId } from './ids';

/** Days to keep messages and files; null: keep forever. */
export const RetentionDays = Type.Union([Type.Integer({ minimum: 1, maximum: 36500 }), Type.Null()]);
export type RetentionDays = Static<typeof RetentionDays>;

/** The server-wide policy (a stored setting overrides PARLEY_RETENTION_DAYS). */
export const RetentionPolicy = Type.Object({
  days: RetentionDays,
  /** Conversations may set a longer period than `days` (a shorter one is always allowed). */
  allowLongerInConversations: Type.Boolean(),
});
export type RetentionPolicy = Static<typeof RetentionPolicy>;

export const UpdateRetentionPolicyBody = Type.Object(
  { days: Type.Optional(RetentionDays), allowLongerInConversations: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateRetentionPolicyBody = Static<typeof UpdateRetentionPolicyBody>;

export const RetentionHoldKind = Type.Union([Type.Literal('user'), Type.Literal('conversation')]);
export type RetentionHoldKind = Static<typeof RetentionHoldKind>;

/** A legal hold: while it is in place, retention deletes none of the user's messages (or the conversation's). */
export const RetentionHold = Type.Object({
  id: Type.String(),
  kind: RetentionHoldKind,
  targetId: Type.String(),
  reason: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
});
export type RetentionHold = Static<typeof RetentionHold>;

export const CreateRetentionHoldBody = Type.Object(
  {
    kind: RetentionHoldKind,
    /** A user id (or username) or a conversation id. */
    targetId: Type.String({ minLength: 1, maxLength: 64 }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type CreateRetentionHoldBody = Static<typeof CreateRetentionHoldBody>;
export const RetentionHoldParams = Type.Object({ holdId: Type.String({ minLength: 1, maxLength: 64 }) });

/** What one retention run deleted (also the `retention.run` audit entry's details). */
export const RetentionRunReport = Type.Object({
  /** False when another node held the lease: nothing was done. */
  ran: Type.Boolean(),
  batches: Type.Integer({ minimum: 0 }),
  messages: Type.Integer({ minimum: 0 }),
  edits: Type.Integer({ minimum: 0 }),
  reactions: Type.Integer({ minimum: 0 }),
  files: Type.Integer({ minimum: 0 }),
  conversations: Type.Integer({ minimum: 0 }),
  /** Outbox rows and webhook deliveries older than the shortest period in force. */
  copies: Type.Integer({ minimum: 0 }),
  /** SQLite: the WAL was checkpointed and truncated after the run. */
  walCheckpointed: Type.Boolean(),
});
export type RetentionRunReport = Static<typeof RetentionRunReport>;

export const RetentionStatusResponse = Type.Object({
  policy: RetentionPolicy,
  holds: Type.Array(RetentionHold),
  /** Conversations with their own period. */
  conversations: Type.Array(Type.Object({ conversationId: ConversationId, days: RetentionDays })),
});
export type RetentionStatusResponse = Static<typeof RetentionStatusResponse>;
export const RetentionPolicyResponse = Type.Object({ policy: RetentionPolicy });
export type RetentionPolicyResponse = Static<typeof RetentionPolicyResponse>;
export const RetentionHoldResponse = Type.Object({ hold: RetentionHold });
export type RetentionHoldResponse = Static<typeof RetentionHoldResponse>;

/** `PUT /v1/conversations/{id}/retention`: null follows the server's policy. */
export const ConversationRetentionBody = Type.Object(
  { days: Type.Union([Type.Integer({ minimum: 1, maximum: 36500 }), Type.Null()]) },
  { additionalProperties: false },
);
export type ConversationRetentionBody = Static<typeof ConversationRetentionBody>;
export const ConversationRetentionResponse = Type.Object({
  /** The conversation's own period (null: it follows the server's). */
  days: RetentionDays,
  /** What applies: the conversation's period within what the server allows, or the server's. */
  effectiveDays: RetentionDays,
});
export type ConversationRetentionResponse = Static<typeof ConversationRetentionResponse>;
