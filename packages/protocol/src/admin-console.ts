/**
 * What the web app's administration console needs beyond the user and settings routes
 * of admin.ts (`/v1/admin/invites`, `/v1/admin/conversations`, `/v1/admin/reports`,
 * `/v1/admin/storage`, `/v1/admin/metrics`): request and response bodies. Server admins
 * only; docs/protocol.md "Administration" describes each route.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, UserId } from './ids';
import { Conversation, ConversationKind, Report } from './models';

// ---- server invites (registration `invite`) ----

/**
 * A server invite: lets people sign up while registration is `invite`. The code itself is
 * shown once, when it is made (`CreateServerInviteResponse`): the server keeps only its hash.
 */
export const ServerInvite = Type.Object({
  id: Type.String(),
  /** The admin who made it (null: the CLI on the server machine). */
  createdBy: Type.Union([UserId, Type.Null()]),
  createdAt: Type.Number(),
  /** After this it is refused (`invite_invalid`, reason `expired`); null: never. */
  expiresAt: Type.Union([Type.Number(), Type.Null()]),
  /** Sign-ups it allows (1: single use); null: any number until it expires or is revoked. */
  maxUses: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  uses: Type.Integer({ minimum: 0 }),
  revokedAt: Type.Union([Type.Number(), Type.Null()]),
  /** What it is for ("the March interns"), for the admins' eyes only. */
  note: Type.String(),
});
export type ServerInvite = Static<typeof ServerInvite>;

export const CreateServerInviteBody = Type.Object(
  {
    /** Omit for an invite until revoked. */
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 366 * 24 * 3600 })),
    /** Omit (or null) for any number of sign-ups. */
    maxUses: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()])),
    note: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type CreateServerInviteBody = Static<typeof CreateServerInviteBody>;
export const CreateServerInviteResponse = Type.Object({
  invite: ServerInvite,
  /** The code to hand out (`RegisterBody.inviteCode`): shown this once. */
  code: Type.String(),
});
export type CreateServerInviteResponse = Static<typeof CreateServerInviteResponse>;
export const ServerInvitesResponse = Type.Object({ invites: Type.Array(ServerInvite) });
export type ServerInvitesResponse = Static<typeof ServerInvitesResponse>;
export const ServerInviteParams = Type.Object({ inviteId: Type.String({ minLength: 1, maxLength: 64 }) });
export const ServerInviteResponse = Type.Object({ invite: ServerInvite });
export type ServerInviteResponse = Static<typeof ServerInviteResponse>;

// ---- groups and channels ----

export const AdminConversationsQuery = Type.Object(
  {
    /** Part of the title (case-insensitive). */
    q: Type.Optional(Type.String({ maxLength: 100 })),
    kind: Type.Optional(Type.Union([Type.Literal('group'), Type.Literal('channel')])),
    /** The `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AdminConversationsQuery = Static<typeof AdminConversationsQuery>;
/** Groups and channels (never direct conversations), newest first, archived ones included. */
export const AdminConversationsResponse = Type.Object({
  conversations: Type.Array(Conversation),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type AdminConversationsResponse = Static<typeof AdminConversationsResponse>;

export const TransferOwnershipBody = Type.Object({ userId: UserId }, { additionalProperties: false });
export type TransferOwnershipBody = Static<typeof TransferOwnershipBody>;

// ---- the reports of every conversation ----

export const AdminReportsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AdminReportsQuery = Static<typeof AdminReportsQuery>;
/** A report with the title and kind of its conversation (one queue for every conversation). */
export const AdminReport = Type.Object({
  report: Report,
  conversation: Type.Object({
    id: ConversationId,
    kind: ConversationKind,
    title: Type.Union([Type.String(), Type.Null()]),
  }),
});
export type AdminReport = Static<typeof AdminReport>;
export const AdminReportsResponse = Type.Object({ reports: Type.Array(AdminReport) });
export type AdminReportsResponse = Static<typeof AdminReportsResponse>;
export const AdminReportParams = Type.Object({ reportId: Type.String({ minLength: 1, maxLength: 64 }) });
/** `resolved`: acted on; `dismissed`: nothing wrong. Both close the report; the audit log keeps which. */
export const ResolveReportBody = Type.Object(
  { outcome: Type.Union([Type.Literal('resolved'), Type.Literal('dismissed')]) },
  { additionalProperties: false },
);
export type ResolveReportBody = Static<typeof ResolveReportBody>;

// ---- storage ----

/** What the server holds, counted now (a few aggregate queries). */
export const StorageResponse = Type.Object({
  users: Type.Integer({ minimum: 0 }),
  /** Live groups and channels, and direct conversations. */
  conversations: Type.Integer({ minimum: 0 }),
  /** Files and their bytes (uploads in progress count their declared size). */
  files: Type.Integer({ minimum: 0 }),
  fileBytes: Type.Number({ minimum: 0 }),
  /** The accounts whose files take the most bytes, largest first (at most 10). */
  topUsers: Type.Array(
    Type.Object({ userId: UserId, username: Type.String(), files: Type.Integer(), bytes: Type.Number() }),
  ),
});
export type StorageResponse = Static<typeof StorageResponse>;
