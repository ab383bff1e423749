/**
 * The part of the store port that server administration, the audit log and
 * two-factor authentication persist (issue 19). Only persistence: the services
 * decide who may do what, hash codes and tokens, and check TOTP codes.
 */
import type { UserRecord } from './store';

/** What a service appends to the audit log; the store adds seq, prevHash and hash. */
export interface NewAuditEntry {
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  address: string | null;
  details: Record<string, unknown>;
}

/** An entry as stored. `details` is the canonical JSON text that was hashed. */
export interface AuditRecord {
  seq: number;
  at: number;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  address: string | null;
  details: string;
  prevHash: string;
  hash: string;
}

export interface AuditFilter {
  action?: string;
  /** Entries whose actor id, actor name or target equals this. */
  user?: string;
  from?: number;
  to?: number;
  /** seq < before (newest first). */
  before?: number;
  /** seq > after (oldest first): verification walks the chain this way. */
  after?: number;
  limit: number;
}

export interface TwoFactorRecord {
  userId: string;
  secret: string;
  createdAt: number;
  /** Null: set up but not yet confirmed by a first code (not required at login). */
  enabledAt: number | null;
  lastStep: number;
}

export interface LoginChallengeRecord {
  idHash: string;
  userId: string;
  deviceName: string;
  expiresAt: number;
  attempts: number;
}

export interface AdminRecords {
  // server admins and deactivation
  /** since: null revokes. False when there is no such user. */
  setAdmin(userId: string, since: number | null): Promise<boolean>;
  /** at: null reactivates. False when there is no such user. */
  setDeactivated(userId: string, at: number | null): Promise<boolean>;
  /** Active admins (deactivated ones do not count). */
  countActiveAdmins(): Promise<number>;
  hasUsers(): Promise<boolean>;
  /**
   * Accounts by username, after `afterUsername`; `query` matches the start of the
   * username or any part of the display name, case-insensitively.
   */
  adminSearchUsers(options: { query?: string; afterUsername?: string; limit: number }): Promise<UserRecord[]>;

  // run-time settings (JSON values by key)
  getServerSettings(): Promise<Map<string, unknown>>;
  setServerSetting(key: string, value: unknown, at: number): Promise<void>;

  // audit log
  /**
   * Appends one entry chained to the last (serialized by the database through the
   * audit_head row, so concurrent appends from any node never fork the chain).
   * Inside a transaction it commits (or rolls back) with it.
   */
  appendAudit(entry: NewAuditEntry): Promise<AuditRecord>;
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
  /** The last entry's seq and hash as the head row records them. */
  getAuditHead(): Promise<{ seq: number; hash: string }>;

  // two-factor authentication
  getTwoFactor(userId: string): Promise<TwoFactorRecord | undefined>;
  /** Ids (of these) with two-factor authentication enabled. */
  listTwoFactorEnabled(userIds: readonly string[]): Promise<Set<string>>;
  /** A new, unconfirmed secret (replaces an unconfirmed one). */
  setTwoFactorSecret(userId: string, secret: string, at: number): Promise<void>;
  /** Confirms the secret with the step of the first code, and stores the recovery codes' hashes. */
  enableTwoFactor(userId: string, at: number, step: number, recoveryCodeHashes: readonly string[]): Promise<void>;
  /** Records `step` as used if it is later than the last one used; false: a replay (atomic across nodes). */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Marks an unused recovery code used; false when unknown or already used (atomic). */
  useRecoveryCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  countRecoveryCodesLeft(userId: string): Promise<number>;
  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): Promise<void>;
  /** Removes the secret and the recovery codes. */
  deleteTwoFactor(userId: string): Promise<void>;

  // login challenges between the password and the second factor
  /** Also deletes the challenges that expired before `now`. */
  createLoginChallenge(challenge: Omit<LoginChallengeRecord, 'attempts'>, now: number): Promise<void>;
  /** Counts one attempt and returns the challenge with the new count. */
  attemptLoginChallenge(idHash: string): Promise<LoginChallengeRecord | undefined>;
  deleteLoginChallenge(idHash: string): Promise<boolean>;
}
