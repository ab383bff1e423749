/**
 * What every service receives from main.ts: the ports and the limits it enforces.
 * Services never construct adapters themselves.
 */
import type { RegistrationPolicy } from '@parley/protocol';
import type { Clock } from '../ports/clock';
import type { EphemeralEvents } from '../ports/events';
import type { Logger } from '../ports/logger';
import type { RateLimiter } from '../ports/rate-limiter';
import type { Store } from '../ports/store';

/** PARLEY_USER_DIRECTORY: everyone, people who share a conversation or are contacts, or exact usernames only. */
export type UserDirectoryScope = 'everyone' | 'shared' | 'exact';

export interface ServiceLimits {
  /** Rows one batch of a deleted conversation's erasure removes (PARLEY_PURGE_BATCH_ROWS, ADR 0020). */
  purgeBatchRows: number;
  /** Batches one run of the erasure job does before other jobs get a turn (PARLEY_PURGE_BATCHES_PER_RUN). */
  purgeBatchesPerRun: number;
  maxMessageBytes: number;
  maxGroupMembers: number;
  historyPageMax: number;
  sessionTtlMs: number;
  minPasswordLength: number;
  /** Self sign-up (PARLEY_REGISTRATION) until an admin sets it at run time (services/server-settings.ts). */
  registration: RegistrationPolicy;
  /** Who the user directory finds (PARLEY_USER_DIRECTORY; services/user-directory.ts). */
  userDirectory: UserDirectoryScope;
  /**
   * PARLEY_SSO_PASSWORD_LOGIN=off with SSO configured: password login (HTTP, XMPP) and
   * self sign-up are refused (`password_login_disabled`). Absent: allowed.
   */
  passwordLogin?: boolean;
  /** PARLEY_ADMIN_2FA=required: the default of the run-time setting (services/server-settings.ts). */
  adminTwoFactorRequired: boolean;
  typingTtlMs: number;
  /** 0: no limit. */
  editWindowSeconds: number;
  maxReactionsPerMessage: number;
  maxPins: number;
  /** PARLEY_MAX_FAVOURITES: favourite conversations per user. */
  maxFavourites: number;
}

export interface ServiceDeps {
  store: Store;
  /** Typing and presence only: a write's events go with it through the store (`tx.emit`). */
  events: EphemeralEvents;
  clock: Clock;
  logger: Logger;
  limits: ServiceLimits;
  /** Budgets per client address and per account, shared by every node of a cluster (services/rate-limits.ts). */
  rates: RateLimiter;
}
