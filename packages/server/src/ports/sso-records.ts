/**
 * Persistence for single sign-on (services/sso.ts): which identity of which
 * provider is which account, and the short-lived, single-use tickets of a login in
 * progress. Knows nothing of OpenID Connect, hashing or accounts' rules.
 */

/** An identity `(issuer, subject)` of an OpenID provider, linked to one account. */
export interface SsoIdentityRecord {
  issuer: string;
  subject: string;
  userId: string;
  createdAt: number;
  lastLoginAt: number;
}

/**
 * `state`: a login sent to the provider (keyed by the SHA-256 of its `state`);
 * `code`: a finished login waiting for the web app to exchange it (keyed by the
 * SHA-256 of the one-time code). `data` is the service's JSON.
 */
export type SsoTicketKind = 'state' | 'code';

export interface SsoRecords {
  getSsoIdentity(issuer: string, subject: string): Promise<SsoIdentityRecord | undefined>;
  /** Links an identity; false when it is linked already (the pair is unique). */
  linkSsoIdentity(identity: SsoIdentityRecord): Promise<boolean>;
  touchSsoIdentity(issuer: string, subject: string, at: number): Promise<void>;
  countSsoIdentities(): Promise<number>;
  /** Stores a ticket; also deletes every ticket that expired before `now`. */
  putSsoTicket(
    ticket: { kind: SsoTicketKind; idHash: string; data: string; expiresAt: number },
    now: number,
  ): Promise<void>;
  /**
   * Takes a ticket: returns its data and deletes it, so that it is used once even
   * when two requests race (only the one whose delete removed the row gets it).
   * An expired ticket is deleted and not returned.
   */
  takeSsoTicket(kind: SsoTicketKind, idHash: string, now: number): Promise<string | undefined>;
}
