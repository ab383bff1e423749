/**
 * Server administration, the audit log and two-factor authentication over HTTP
 * (`/v1/server`, `/v1/admin/...`, `/v1/me/2fa/...`, `/v1/auth/login/second-factor`):
 * request and response bodies. Who may call what is the server's services' rule
 * (server admins only for `/v1/admin`); docs/protocol.md "Administration" describes it.
 */
import { Type, type Static } from 'typebox';
import { UserId } from './ids';
import { User, Username } from './models';

const Password = Type.String({ minLength: 1, maxLength: 1024 });
const DeviceName = Type.String({ minLength: 1, maxLength: 100 });

/**
 * Self sign-up as the server applies it now (a stored setting overrides PARLEY_REGISTRATION):
 * `open` to anyone, `invite` only with a server invite code an admin made (admin-console.ts),
 * `closed` to nobody (admins create accounts).
 */
export const RegistrationPolicy = Type.Union([Type.Literal('open'), Type.Literal('invite'), Type.Literal('closed')]);
export type RegistrationPolicy = Static<typeof RegistrationPolicy>;

/** Settings an admin changes at run time (stored, shared by every node). */
export const ServerSettings = Type.Object({
  registration: RegistrationPolicy,
  /** Admins must have two-factor authentication enabled before any `/v1/admin` call succeeds. */
  requireAdminTwoFactor: Type.Boolean(),
});
export type ServerSettings = Static<typeof ServerSettings>;

export const UpdateServerSettingsBody = Type.Object(
  { registration: Type.Optional(RegistrationPolicy), requireAdminTwoFactor: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateServerSettingsBody = Static<typeof UpdateServerSettingsBody>;

/** `viewer` of `GET /v1/server` (http.ts) when the request carries a valid token. */
export const ServerViewer = Type.Object({
  userId: UserId,
  isAdmin: Type.Boolean(),
  twoFactorEnabled: Type.Boolean(),
  /** Admins must turn on 2FA before administering (the run-time setting). */
  adminTwoFactorRequired: Type.Boolean(),
});
export type ServerViewer = Static<typeof ServerViewer>;

/** An account as an admin sees it. */
export const AdminUser = Type.Object({
  user: User,
  isAdmin: Type.Boolean(),
  /** When the account was deactivated (null: active). */
  deactivatedAt: Type.Union([Type.Number(), Type.Null()]),
  twoFactorEnabled: Type.Boolean(),
  lastSeenAt: Type.Union([Type.Number(), Type.Null()]),
});
export type AdminUser = Static<typeof AdminUser>;

export const AdminUsersQuery = Type.Object(
  {
    /** Matches the start of the username or any part of the display name (case-insensitive). */
    q: Type.Optional(Type.String({ maxLength: 100 })),
    /** The `nextCursor` of the previous page. */
    cursor: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);
export type AdminUsersQuery = Static<typeof AdminUsersQuery>;
export const AdminUsersResponse = Type.Object({
  users: Type.Array(AdminUser),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type AdminUsersResponse = Static<typeof AdminUsersResponse>;
export const AdminUserResponse = Type.Object({ user: AdminUser });
export type AdminUserResponse = Static<typeof AdminUserResponse>;

export const AdminCreateUserBody = Type.Object(
  {
    username: Username,
    password: Password,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    isAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AdminCreateUserBody = Static<typeof AdminCreateUserBody>;

export const AdminUserParams = Type.Object({ userId: UserId });
export const AdminResetPasswordBody = Type.Object({ newPassword: Password }, { additionalProperties: false });
export type AdminResetPasswordBody = Static<typeof AdminResetPasswordBody>;
export const AdminSetAdminBody = Type.Object({ isAdmin: Type.Boolean() }, { additionalProperties: false });
export type AdminSetAdminBody = Static<typeof AdminSetAdminBody>;
/** `DELETE /v1/admin/users/:userId`: `withContent` also erases everything the account sent. */
export const AdminDeleteUserBody = Type.Object(
  { withContent: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type AdminDeleteUserBody = Static<typeof AdminDeleteUserBody>;
/** How many sessions an action ended. */
export const RevokedResponse = Type.Object({ revokedSessions: Type.Integer({ minimum: 0 }) });
export type RevokedResponse = Static<typeof RevokedResponse>;
export const ServerSettingsResponse = Type.Object({ settings: ServerSettings });
export type ServerSettingsResponse = Static<typeof ServerSettingsResponse>;

/** One entry of the append-only audit log; `hash` chains it to the previous entry (docs/adr/0012). */
export const AuditEntry = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  at: Type.Number(),
  actorId: Type.Union([UserId, Type.Null()]),
  /** The actor's username at the time (`cli` for the server machine's admin commands, null: anonymous). */
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 64 })),
    /** Entries whose actor or target is this user id or username. */
    user: Type.Optional(Type.String({ maxLength: 64 })),
    from: Type.Optional(Type.Number({ minimum: 0 })),
    to: Type.Optional(Type.Number({ minimum: 0 })),
    /** Entries with seq below this (newest first paging): the `nextCursor` of the previous page. */
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
export const AuditResponse = Type.Object({
  entries: Type.Array(AuditEntry),
  nextCursor: Type.Union([Type.Integer(), Type.Null()]),
});
export type AuditResponse = Static<typeof AuditResponse>;

// ---- two-factor authentication (TOTP, RFC 6238) ----

/** A 6-digit TOTP code, or a recovery code (`xxxxx-xxxxx`). */
export const SecondFactorCode = Type.String({ minLength: 6, maxLength: 32 });

export const TwoFactorStatusResponse = Type.Object({
  enabled: Type.Boolean(),
  /** Unused recovery codes left. */
  recoveryCodesLeft: Type.Integer({ minimum: 0 }),
});
export type TwoFactorStatusResponse = Static<typeof TwoFactorStatusResponse>;

/** POST /v1/me/2fa/setup: a new secret, not active until confirmed with a first code. */
export const TwoFactorSetupResponse = Type.Object({
  secret: Type.String({ description: 'Base32 secret to type into an authenticator app' }),
  uri: Type.String({ description: 'otpauth://totp/... URI for a QR code' }),
});
export type TwoFactorSetupResponse = Static<typeof TwoFactorSetupResponse>;

export const TwoFactorCodeBody = Type.Object({ code: SecondFactorCode }, { additionalProperties: false });
export type TwoFactorCodeBody = Static<typeof TwoFactorCodeBody>;

/** The recovery codes, shown once: each works once in place of a TOTP code. */
export const RecoveryCodesResponse = Type.Object({ recoveryCodes: Type.Array(Type.String()) });
export type RecoveryCodesResponse = Static<typeof RecoveryCodesResponse>;

/** POST /v1/auth/login/second-factor: completes a login refused with `second_factor_required`. */
export const SecondFactorLoginBody = Type.Object(
  {
    challenge: Type.String({ minLength: 1, maxLength: 128 }),
    code: SecondFactorCode,
    deviceName: Type.Optional(DeviceName),
  },
  { additionalProperties: false },
);
export type SecondFactorLoginBody = Static<typeof SecondFactorLoginBody>;

/** The `details` of a `second_factor_required` error. */
export interface SecondFactorChallenge {
  challenge: string;
  expiresAt: number;
}

/**
 * An event or a job of the durable queue that failed too often (ADR 0018): kept aside so
 * that the rest flows, until an admin retries it (`POST /v1/admin/dead-letters/:id/retry`)
 * or drops it (`DELETE /v1/admin/dead-letters/:id`).
 */
export const DeadLetter = Type.Object({
  id: Type.String({ description: "The event's or the job's id" }),
  source: Type.Union([Type.Literal('event'), Type.Literal('job')]),
  kind: Type.String({ description: 'The event type (`message.new`) or the job kind (`webhook.delivery`)' }),
  payload: Type.Unknown({ description: 'The event (`{ topic, event, createdAt }`) or the job payload' }),
  attempts: Type.Integer({ minimum: 0 }),
  lastError: Type.String(),
  createdAt: Type.Integer(),
  failedAt: Type.Integer(),
});
export type DeadLetter = Static<typeof DeadLetter>;

export const DeadLettersQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);
export type DeadLettersQuery = Static<typeof DeadLettersQuery>;
export const DeadLettersResponse = Type.Object({ deadLetters: Type.Array(DeadLetter) });
export type DeadLettersResponse = Static<typeof DeadLettersResponse>;
export const DeadLetterParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeadLetterResponse = Type.Object({ deadLetter: DeadLetter });
export type DeadLetterResponse = Static<typeof DeadLetterResponse>;
