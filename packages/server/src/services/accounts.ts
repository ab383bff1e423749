/**
 * Accounts and sessions: register, log in and out, authenticate a token, list and
 * revoke devices, change password, profile. One session per device; a revocation
 * commits with a `session.revoked` event on the device's topic, so that every node
 * closes that device's connections (also when the CLI's admin commands revoke).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RegistrationPolicy, SecondFactorChallenge } from '@parley/protocol';
import {
  checkValue,
  findRefusedInName,
  isBlank,
  Username,
  type Session,
  type UpdateProfileBody,
  type User,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { cleanName, cleanOptionalText, cleanText } from '../domain/text';
import { newId } from '../domain/ids';
import { topics } from '../ports/bus';
import type { SessionRecord, Store, UserRecord } from '../ports/store';
import type { ServiceDeps } from './deps';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { hashToken, newToken } from './tokens';
import { BOT_TOKEN_EXPIRY } from './bot-tokens';
import { presenceAudience, profileOnlyAudience, profilesFor, withoutPresence } from './audience';
import { RateLimits, type ClientOrigin } from './rate-limits';
import { deriveAllScram, SCRAM_ITERATIONS, verifyScramProof, type ScramMechanism } from './scram';
import { CLI_ACTOR, recordAudit, type AuditActor } from './audit';
import { checkErasable, enqueueAccountErasure } from './account-erasure';
import type { ServerSettingsService } from './server-settings';
import type { TwoFactorService } from './two-factor';
import type { ServerInviteService } from './server-invites';

/** How long the challenge between a right password and the second factor lives. */
export const SECOND_FACTOR_CHALLENGE_MS = 5 * 60_000;
/** Codes tried against one challenge before it is dropped (the address's budget applies too). */
export const SECOND_FACTOR_MAX_ATTEMPTS = 5;

/** An account's own action, from this address (audit log). */
export function selfActor(user: { id: string; username: string }, origin: ClientOrigin | undefined): AuditActor {
  return { id: user.id, name: user.username, address: origin?.address ?? null };
}

/** Keys the made-up salts of unknown users; per process, so they are stable while it runs. */
const fakeSaltKey = randomBytes(32);
function fakeSalt(username: string, mechanism: ScramMechanism): string {
  return createHmac('sha256', fakeSaltKey)
    .update(`${mechanism}:${username}`)
    .digest()
    .subarray(0, 16)
    .toString('base64');
}

/** Each revoked session's device hears it on its own topic, on whichever node it is connected. */
export async function emitRevoked(tx: Store, userId: string, sessionIds: readonly string[]): Promise<void> {
  for (const sessionId of sessionIds) {
    await tx.emit(topics.device(sessionId), { v: 1, type: 'session.revoked', userId, sessionId });
  }
}

export interface AuthContext {
  user: UserRecord;
  session: SessionRecord;
}

export interface Authenticated {
  token: string;
  user: User;
  session: Session;
}

/** Sliding expiry is written at most this often per session, to keep reads cheap. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Inside the transaction that revokes, deactivates or deletes `user`, last: refuses (rolling
 * it all back) if no active admin is left. The transaction's audit entry, written before,
 * locks the audit log's head row, so two admins removed at once are serialized and the
 * second transaction counts after the first one committed.
 */
export async function keepOneAdmin(tx: Store, user: UserRecord, message: string): Promise<void> {
  if (user.adminSince !== null && user.deactivatedAt === null && (await tx.countActiveAdmins()) < 1) {
    throw new AppError('invalid_operation', message);
  }
}

export function toUser(record: UserRecord): User {
  return {
    id: record.id,
    username: record.username,
    displayName: record.displayName,
    avatarUrl: record.avatarUrl,
    statusText: record.statusText,
    createdAt: record.createdAt,
    ...(record.bot === true ? { bot: true } : {}),
  };
}

export function toSession(record: SessionRecord, currentId: string | undefined): Session {
  return {
    id: record.id,
    deviceName: record.deviceName,
    createdAt: record.createdAt,
    lastSeenAt: record.lastSeenAt,
    expiresAt: record.expiresAt,
    current: record.id === currentId,
  };
}

export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

/**
 * The stored password hash of an account made by single sign-on: not a PHC string,
 * so no password ever verifies against it (verifyPassword reads it as wrong).
 */
export const NO_PASSWORD = '!sso';

/**
 * The refusal of a password login to an account made by single sign-on, said plainly
 * (the XMPP gateway shows it in its SASL failure): it has no password to give. It
 * tells that the account exists, as the user directory does anyway.
 */
function noPasswordError(): AppError {
  return new AppError(
    'invalid_credentials',
    'This account signs in with single sign-on and has no password, so it cannot log in with one (XMPP included) until an administrator sets one (`parley user passwd`).',
    { details: { reason: 'no_password' } },
  );
}

/** The display name of a deleted account. */
export const DELETED_ACCOUNT_NAME = 'Deleted account';

/** What a device is called when its name is missing or blank. */
const UNKNOWN_DEVICE = 'unknown device';

export class AccountService {
  private readonly rates: RateLimits;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: ServerSettingsService,
    private readonly twoFactor: TwoFactorService,
    private readonly serverInvites: ServerInviteService,
  ) {
    this.rates = new RateLimits(deps.rates, deps.logger);
  }

  /** Appends to the audit log on its own (outside any write). */
  private audit(actor: AuditActor, action: string, target: string | null, details: Record<string, unknown> = {}) {
    return recordAudit(this.deps.store, actor, this.deps.clock.now(), action, target, details);
  }

  /** Records a refused login (wrong password, deactivated, wrong second factor) and rethrows it. */
  private async auditFailure<T>(
    username: string,
    via: string,
    origin: ClientOrigin,
    attempt: () => Promise<T>,
  ): Promise<T> {
    try {
      return await attempt();
    } catch (error) {
      if (
        error instanceof AppError &&
        ['invalid_credentials', 'account_deactivated', 'second_factor_invalid'].includes(error.code)
      ) {
        const user = await this.userByName(username);
        await this.audit({ id: null, name: null, address: origin.address }, 'login.failed', user?.id ?? null, {
          username: normalizeUsername(username).slice(0, 64),
          via,
          reason: error.code,
        });
      }
      throw error;
    }
  }

  /** Runs one authentication attempt from `origin` under its address's budget; a success gives it back. */
  private async attempt<T>(origin: ClientOrigin, check: () => Promise<T>): Promise<T> {
    const attempt = await this.rates.authAttempt(origin);
    const result = await check();
    await attempt.succeeded();
    return result;
  }

  private checkPassword(password: string): void {
    const min = this.deps.limits.minPasswordLength;
    if ([...password].length < min) {
      throw new AppError('weak_password', `The password must have at least ${min} characters.`, {
        details: { minLength: min },
      });
    }
  }

  /**
   * An account by username. A name that no account can have (a control character,
   * which PostgreSQL would not even take as a parameter) is simply unknown.
   */
  private async userByName(raw: string): Promise<UserRecord | undefined> {
    const username = normalizeUsername(raw);
    if (findRefusedInName(username) !== null) return undefined;
    return this.deps.store.getUserByUsername(username);
  }

  /** A display name as stored; blank (nothing visible) means the username. */
  private displayNameOf(raw: string | undefined, username: string): string {
    return (raw === undefined ? '' : cleanName('displayName', raw)) || username;
  }

  private async insertUser(
    input: { username: string; password: string; displayName?: string },
    actor: AuditActor | ((user: UserRecord) => AuditActor),
  ): Promise<UserRecord> {
    const username = normalizeUsername(input.username);
    // The HTTP schema and the CLI check it too; this holds for every way in.
    if (!checkValue(Username, username).ok) {
      throw new AppError('bad_request', 'A username has 2-32 characters: a-z, 0-9, "_", "." and "-".');
    }
    const displayName = this.displayNameOf(input.displayName, username);
    this.checkPassword(input.password);
    const now = this.deps.clock.now();
    const [passwordHash, scram] = await Promise.all([hashPassword(input.password), deriveAllScram(input.password)]);
    const user = await this.deps.store.createUser({
      id: newId('u', now),
      username,
      displayName,
      passwordHash,
      createdAt: now,
    });
    // Not in createUser's transaction on purpose: if this write fails, the account
    // still works and gets its SCRAM material at its next password login.
    await this.deps.store.setScramCredentials(user.id, scram);
    const who = typeof actor === 'function' ? actor(user) : actor;
    await this.audit(who, 'user.created', user.id, { username: user.username });
    if (user.adminSince !== null) {
      await this.audit(who, 'admin.granted', user.id, { username: user.username, reason: 'first account' });
    }
    return user;
  }

  /**
   * Self sign-up is open to anyone (the stored setting, else PARLEY_REGISTRATION): gateways
   * that cannot carry a server invite code offer it only then (XMPP: XEP-0077). The last
   * value read: signUp itself reads the store.
   */
  get registrationOpen(): boolean {
    return this.settings.cachedSettings.registration === 'open';
  }

  /**
   * What anyone may know before logging in: whether sign-up is open, and whether any
   * account exists yet (one indexed row read), so that a fresh server's app offers
   * "Create the first account".
   */
  async serverInfo(): Promise<{ registration: RegistrationPolicy; hasAccounts: boolean }> {
    const first = await this.deps.store.listUsers({ limit: 1 });
    // The stored setting (an admin may have changed it at run time), read now.
    return { registration: (await this.settings.current()).registration, hasAccounts: first.length > 0 };
  }

  /**
   * Self sign-up, for every way in (HTTP `register`, XMPP in-band registration): refused
   * when closed; every registration counts against the address's budget
   * (PARLEY_RATE_AUTH_PER_MIN), so guessed invite codes count too; when invite-only, one
   * use of a valid server invite is spent (given back if the account is not created);
   * then the username rules and the password policy apply.
   * @throws AppError('registration_closed' | 'invite_required' | 'invite_invalid' | 'rate_limited' | 'bad_request' | 'weak_password' | 'username_taken' | 'invalid_text')
   */
  async signUp(
    input: { username: string; password: string; displayName?: string; inviteCode?: string },
    origin: ClientOrigin,
  ): Promise<User> {
    return toUser(await this.signUpRecord(input, origin));
  }

  private async signUpRecord(
    input: { username: string; password: string; displayName?: string; inviteCode?: string },
    origin: ClientOrigin,
  ): Promise<UserRecord> {
    this.refuseWithoutPasswordLogin();
    const policy = (await this.settings.current()).registration;
    if (policy === 'closed') {
      throw new AppError('registration_closed', 'Self sign-up is closed on this server: ask an administrator.');
    }
    await this.rates.authAttempt(origin);
    const { inviteCode, ...account } = input;
    if (policy === 'open') return this.insertUser(account, (user) => selfActor(user, origin));
    const { result } = await this.serverInvites.signUpWith(inviteCode, () =>
      this.insertUser(account, (user) => selfActor(user, origin)),
    );
    return result;
  }

  /** Self sign-up over HTTP ({@link signUp}), logged in on this device. */
  async register(
    input: { username: string; password: string; displayName?: string; deviceName?: string; inviteCode?: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    const deviceName = this.deviceNameOf(input.deviceName);
    return this.openSession(await this.signUpRecord(input, origin), deviceName);
  }

  /**
   * An account made by a single sign-on login (services/sso.ts): no password
   * ({@link NO_PASSWORD}) and no SCRAM material, whatever the sign-up setting.
   * @throws AppError('bad_request' | 'username_taken' | 'invalid_text')
   */
  async createPasswordlessUser(
    input: { username: string; displayName?: string },
    actor: (user: UserRecord) => AuditActor,
    details: Record<string, unknown>,
  ): Promise<UserRecord> {
    const username = normalizeUsername(input.username);
    if (!checkValue(Username, username).ok) {
      throw new AppError('bad_request', 'A username has 2-32 characters: a-z, 0-9, "_", "." and "-".');
    }
    const now = this.deps.clock.now();
    const user = await this.deps.store.createUser({
      id: newId('u', now),
      username,
      displayName: this.displayNameOf(input.displayName, username),
      passwordHash: NO_PASSWORD,
      createdAt: now,
    });
    await this.audit(actor(user), 'user.created', user.id, { username: user.username, ...details });
    if (user.adminSince !== null) {
      await this.audit(actor(user), 'admin.granted', user.id, { username: user.username, reason: 'first account' });
    }
    return user;
  }

  /**
   * A session for an account whose identity provider authenticated it (services/sso.ts
   * checked the provider's answer). Parley's own second factor is not asked: the
   * provider's authentication stands for it (ADR 0023).
   * @throws AppError('account_deactivated')
   */
  async openSsoSession(
    user: UserRecord,
    input: { deviceName?: string; issuer: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    this.refuseDeactivated(user);
    const authenticated = await this.openSession(user, this.deviceNameOf(input.deviceName));
    await this.audit(selfActor(user, origin), 'login', user.id, {
      via: 'sso',
      issuer: input.issuer,
      sessionId: authenticated.session.id,
    });
    return authenticated;
  }

  /** Creates an account without a session (administration: `parley user add`, the admin API). */
  async createUser(
    input: { username: string; password: string; displayName?: string },
    actor: AuditActor = CLI_ACTOR,
  ): Promise<User> {
    return toUser(await this.insertUser(input, actor));
  }

  /**
   * Password login over HTTP. An account with two-factor authentication gets
   * `second_factor_required` with a challenge instead of a session: the client
   * sends a code with it to {@link completeSecondFactor}.
   */
  async login(
    input: { username: string; password: string; deviceName?: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    this.refuseWithoutPasswordLogin();
    const deviceName = this.deviceNameOf(input.deviceName);
    const user = await this.auditFailure(input.username, 'http', origin, () =>
      this.attempt(origin, () => this.verifyLogin(input.username, input.password)),
    );
    if (await this.twoFactor.isEnabled(user.id)) throw await this.secondFactorChallenge(user, deviceName);
    const authenticated = await this.openSession(user, deviceName);
    await this.audit(selfActor(user, origin), 'login', user.id, { via: 'http', sessionId: authenticated.session.id });
    return authenticated;
  }

  private async secondFactorChallenge(user: UserRecord, deviceName: string): Promise<AppError> {
    const now = this.deps.clock.now();
    const challenge = newToken();
    const expiresAt = now + SECOND_FACTOR_CHALLENGE_MS;
    await this.deps.store.createLoginChallenge(
      { idHash: hashToken(challenge), userId: user.id, deviceName, expiresAt },
      now,
    );
    const details: SecondFactorChallenge = { challenge, expiresAt };
    return new AppError(
      'second_factor_required',
      'Enter the code from your authenticator app (or a recovery code) to finish logging in.',
      { details: { ...details } },
    );
  }

  /**
   * The second half of a login refused with `second_factor_required`: a TOTP code
   * (each once) or a recovery code with the challenge. A challenge lives
   * SECOND_FACTOR_CHALLENGE_MS and takes SECOND_FACTOR_MAX_ATTEMPTS codes; every
   * wrong code also counts against the address's budget.
   * @throws AppError('second_factor_invalid' | 'account_deactivated' | 'rate_limited')
   */
  async completeSecondFactor(
    input: { challenge: string; code: string; deviceName?: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    const idHash = hashToken(input.challenge);
    const challenge = await this.deps.store.attemptLoginChallenge(idHash);
    const now = this.deps.clock.now();
    if (!challenge || challenge.expiresAt <= now || challenge.attempts > SECOND_FACTOR_MAX_ATTEMPTS) {
      if (challenge) await this.deps.store.deleteLoginChallenge(idHash);
      await this.rates.authFailure(origin);
      throw new AppError('second_factor_invalid', 'The login expired: enter your password again.', {
        details: { reason: 'challenge' },
      });
    }
    const user = await this.deps.store.getUser(challenge.userId);
    if (!user) throw new AppError('second_factor_invalid', 'The login expired.', { details: { reason: 'challenge' } });
    const method = await this.auditFailure(user.username, 'http', origin, () =>
      this.attempt(origin, async () => {
        this.refuseDeactivated(user);
        return this.twoFactor.verify(user.id, user.username, input.code);
      }),
    );
    await this.deps.store.deleteLoginChallenge(idHash);
    const deviceName = input.deviceName === undefined ? challenge.deviceName : this.deviceNameOf(input.deviceName);
    const authenticated = await this.openSession(user, deviceName);
    await this.audit(selfActor(user, origin), 'login', user.id, {
      via: 'http',
      secondFactor: method,
      sessionId: authenticated.session.id,
    });
    return authenticated;
  }

  /** PARLEY_SSO_PASSWORD_LOGIN=off: single sign-on is the only way in. */
  private refuseWithoutPasswordLogin(): void {
    if (this.deps.limits.passwordLogin === false) {
      throw new AppError(
        'password_login_disabled',
        'This server signs in with single sign-on only: use the "Sign in with" button of the web app.',
      );
    }
  }

  private refuseDeactivated(user: UserRecord): void {
    if (user.deactivatedAt !== null) {
      throw new AppError('account_deactivated', 'This account was deactivated by an administrator.');
    }
  }

  /**
   * The account whose password this is; `invalid_credentials` otherwise, in the same
   * time either way. A deactivated account is refused only after its password was
   * right, so that the refusal tells nothing to who does not know it.
   */
  private async verifyLogin(username: string, password: string): Promise<UserRecord> {
    const user = await this.userByName(username);
    // A bot has no password: it is checked against the dummy hash, in the same time, and refused.
    const hash = user && user.bot !== true ? user.passwordHash : await dummyPasswordHash();
    const ok = await verifyPassword(hash, password);
    if (user && user.bot !== true && user.passwordHash === NO_PASSWORD) throw noPasswordError();
    if (!user || user.bot === true || !ok) throw new AppError('invalid_credentials', 'Wrong username or password.');
    this.refuseDeactivated(user);
    return user;
  }

  /**
   * XMPP SASL cannot carry a second factor: an account with 2FA is refused (after its
   * password was right) with `second_factor_required` and no challenge; the gateway
   * says why in its SASL failure (docs/xmpp.md).
   */
  private async refuseTwoFactorForXmpp(user: UserRecord): Promise<void> {
    if (await this.twoFactor.isEnabled(user.id)) {
      throw new AppError(
        'second_factor_required',
        'This account uses two-factor authentication, which XMPP logins cannot carry: use the web app or the API.',
      );
    }
  }

  /**
   * Password login for a gateway that holds its connection itself (XMPP SASL
   * PLAIN): checks the password, gives an account from before SCRAM its SCRAM
   * material, and opens a device session whose token nobody ever sees.
   */
  async loginWithPassword(
    input: { username: string; password: string; deviceName: string },
    origin: ClientOrigin,
  ): Promise<AuthContext> {
    this.refuseWithoutPasswordLogin();
    const user = await this.auditFailure(input.username, 'xmpp', origin, () =>
      this.attempt(origin, () => this.verifyLogin(input.username, input.password)),
    );
    await this.refuseTwoFactorForXmpp(user);
    if (!(await this.deps.store.getScramCredential(user.id, 'SCRAM-SHA-256'))) {
      await this.deps.store.setScramCredentials(user.id, await deriveAllScram(input.password));
    }
    const { session } = await this.createSession(user, this.deviceNameOf(input.deviceName));
    await this.audit(selfActor(user, origin), 'login', user.id, { via: 'xmpp', sessionId: session.id });
    return { user, session };
  }

  /**
   * The salt and iteration count to put in a SCRAM server-first message. An
   * unknown user (or one without SCRAM material yet) gets a made-up but stable
   * salt, so that the answer does not reveal which usernames exist.
   */
  async scramParameters(username: string, mechanism: ScramMechanism): Promise<{ salt: string; iterations: number }> {
    const user = await this.userByName(username);
    const credential = user && (await this.deps.store.getScramCredential(user.id, mechanism));
    if (credential) return { salt: credential.salt, iterations: credential.iterations };
    return { salt: fakeSalt(normalizeUsername(username), mechanism), iterations: SCRAM_ITERATIONS };
  }

  /**
   * Verifies a SCRAM client proof (the attempt that counts against the address's
   * budget); opens a device session and returns the ServerSignature.
   */
  async loginWithScram(
    input: {
      username: string;
      mechanism: ScramMechanism;
      authMessage: string;
      clientProof: Buffer;
      deviceName: string;
    },
    origin: ClientOrigin,
  ): Promise<{ auth: AuthContext; serverSignature: string }> {
    this.refuseWithoutPasswordLogin();
    const { user, serverSignature } = await this.auditFailure(input.username, 'xmpp', origin, () =>
      this.attempt(origin, async () => {
        const user = await this.userByName(input.username);
        const credential = user && (await this.deps.store.getScramCredential(user.id, input.mechanism));
        const serverSignature = credential ? verifyScramProof(credential, input.authMessage, input.clientProof) : null;
        if (user && user.bot !== true && user.passwordHash === NO_PASSWORD) throw noPasswordError();
        if (!user || serverSignature === null) throw new AppError('invalid_credentials', 'Wrong username or password.');
        this.refuseDeactivated(user);
        return { user, serverSignature };
      }),
    );
    await this.refuseTwoFactorForXmpp(user);
    const { session } = await this.createSession(user, this.deviceNameOf(input.deviceName));
    await this.audit(selfActor(user, origin), 'login', user.id, { via: 'xmpp', sessionId: session.id });
    return { auth: { user, session }, serverSignature };
  }

  /** A device name as stored: a name (text rules), 'unknown device' when missing or blank. */
  private deviceNameOf(raw: string | undefined): string {
    return (raw === undefined ? '' : cleanName('deviceName', raw)) || UNKNOWN_DEVICE;
  }

  /** `deviceName` is in stored form (deviceNameOf). */
  private async createSession(user: UserRecord, deviceName: string) {
    const now = this.deps.clock.now();
    const token = newToken();
    const session = await this.deps.store.createSession({
      id: newId('s', now),
      userId: user.id,
      tokenHash: hashToken(token),
      deviceName,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + this.deps.limits.sessionTtlMs,
    });
    return { token, session };
  }

  private async openSession(user: UserRecord, deviceName: string): Promise<Authenticated> {
    const { token, session } = await this.createSession(user, deviceName);
    return { token, user: toUser(user), session: toSession(session, session.id) };
  }

  /**
   * Resolves a bearer token to its user and session, extending the session's expiry.
   * With an `origin` (a WebSocket `auth` frame, once per connection) a refused token
   * counts against the address's budget, and past it the answer is `rate_limited`.
   * A valid token is never counted nor refused: tokens are 256 random bits, so
   * nobody guesses one, and the people behind a busy address keep connecting. HTTP
   * requests, which carry the token every time, pass no origin.
   */
  async authenticate(token: string | undefined, origin?: ClientOrigin): Promise<AuthContext> {
    try {
      return await this.resolveToken(token);
    } catch (error) {
      if (origin && error instanceof AppError) await this.rates.authFailure(origin);
      throw error;
    }
  }

  private async resolveToken(token: string | undefined): Promise<AuthContext> {
    if (!token) throw new AppError('unauthenticated', 'A token is required: log in to get one.');
    const session = await this.deps.store.getSessionByTokenHash(hashToken(token));
    if (!session) throw new AppError('token_invalid', 'The token is unknown or was revoked: log in again.');
    const now = this.deps.clock.now();
    // A bot token (services/bots.ts) never expires: it is valid until revoked.
    const bot = session.expiresAt === BOT_TOKEN_EXPIRY;
    if (!bot && session.expiresAt <= now) {
      await this.deps.store.deleteSession(session.id);
      throw new AppError('token_expired', 'The session has expired: log in again.');
    }
    const user = await this.deps.store.getUser(session.userId);
    if (!user) throw new AppError('token_invalid', 'The account behind this token no longer exists.');
    // Deactivation deletes the sessions too; this holds even for one that raced it.
    if (user.deactivatedAt !== null) throw new AppError('token_invalid', 'This account was deactivated.');
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      session.lastSeenAt = now;
      if (!bot) session.expiresAt = now + this.deps.limits.sessionTtlMs;
      await this.deps.store.touchSession(session.id, session.lastSeenAt, session.expiresAt);
    }
    return { user, session };
  }

  async logout(auth: AuthContext, origin?: ClientOrigin): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteSession(auth.session.id);
      await emitRevoked(tx, auth.user.id, [auth.session.id]);
      await recordAudit(tx, selfActor(auth.user, origin), this.deps.clock.now(), 'logout', auth.user.id, {
        sessionId: auth.session.id,
      });
    });
  }

  async listSessions(auth: AuthContext): Promise<Session[]> {
    const sessions = await this.deps.store.listSessions(auth.user.id);
    return sessions.map((s) => toSession(s, auth.session.id));
  }

  async revokeSession(auth: AuthContext, sessionId: string, origin?: ClientOrigin): Promise<void> {
    const session = await this.deps.store.getSession(sessionId);
    if (!session || session.userId !== auth.user.id)
      throw new AppError('not_found', 'No such session on your account.');
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteSession(sessionId);
      await emitRevoked(tx, auth.user.id, [sessionId]);
      await recordAudit(tx, selfActor(auth.user, origin), this.deps.clock.now(), 'session.revoked', auth.user.id, {
        sessionId,
      });
    });
  }

  /** Changes the password and logs out every other device; a wrong current password counts as a failed login. */
  async changePassword(
    auth: AuthContext,
    currentPassword: string,
    newPassword: string,
    origin: ClientOrigin,
  ): Promise<void> {
    const actor = selfActor(auth.user, origin);
    try {
      await this.attempt(origin, async () => {
        if (!(await verifyPassword(auth.user.passwordHash, currentPassword))) {
          throw new AppError('invalid_credentials', 'The current password is wrong.');
        }
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid_credentials') {
        await this.audit(actor, 'password.change_failed', auth.user.id);
      }
      throw error;
    }
    this.checkPassword(newPassword);
    const [hash, scram] = [await hashPassword(newPassword), await deriveAllScram(newPassword)];
    await this.deps.store.transaction(async (tx) => {
      await tx.setPasswordHash(auth.user.id, hash, scram);
      const revoked = await tx.deleteSessionsOfUser(auth.user.id, auth.session.id);
      await emitRevoked(tx, auth.user.id, revoked);
      await recordAudit(tx, actor, this.deps.clock.now(), 'password.changed', auth.user.id, {
        revokedSessions: revoked.length,
      });
    });
  }

  /** Administrative reset (`parley user passwd`, the admin API): sets the password and logs out every device. */
  async resetPassword(username: string, newPassword: string, actor: AuditActor = CLI_ACTOR): Promise<number> {
    const user = await this.userByName(username);
    if (!user) throw new AppError('not_found', `No user named ${username}.`);
    return this.resetPasswordOf(user, newPassword, actor);
  }

  /** Returns how many sessions were revoked. */
  async resetPasswordOf(user: UserRecord, newPassword: string, actor: AuditActor): Promise<number> {
    this.checkPassword(newPassword);
    const [hash, scram] = [await hashPassword(newPassword), await deriveAllScram(newPassword)];
    return this.deps.store.transaction(async (tx) => {
      await tx.setPasswordHash(user.id, hash, scram);
      const revoked = await tx.deleteSessionsOfUser(user.id);
      await emitRevoked(tx, user.id, revoked);
      await recordAudit(tx, actor, this.deps.clock.now(), 'password.reset', user.id, {
        username: user.username,
        revokedSessions: revoked.length,
      });
      return revoked.length;
    });
  }

  /**
   * Changes the profile. The display name is a name (text rules; blank means the
   * username), the status text free text (blank means none), the avatar URL is
   * checked as free text too (it is written into XMPP vCards). The user's audience
   * (audience.ts) gets the new profile; the other people in their direct and group
   * conversations get it without the status text, and only when something they see
   * changed (the name or the avatar).
   */
  async updateProfile(auth: AuthContext, patch: UpdateProfileBody): Promise<User> {
    const clean: UpdateProfileBody = { ...patch };
    if (clean.displayName !== undefined) clean.displayName = this.displayNameOf(clean.displayName, auth.user.username);
    if (clean.statusText !== undefined && clean.statusText !== null) {
      const statusText = cleanText('statusText', clean.statusText);
      clean.statusText = isBlank(statusText) ? null : statusText.trim();
    }
    if (clean.avatarUrl !== undefined) clean.avatarUrl = cleanOptionalText('avatarUrl', clean.avatarUrl);
    const before = await this.deps.store.getUser(auth.user.id);
    const audience = await presenceAudience(this.deps.store, auth.user.id);
    return this.deps.store.write(`user:${auth.user.id}`, async (tx) => {
      const updated = await tx.updateProfile(auth.user.id, clean);
      if (!updated) throw new AppError('not_found', 'Your account no longer exists.');
      const user = toUser(updated);
      await tx.emit(topics.presence, { v: 1, type: 'user.updated', user, audience: [...audience, auth.user.id] });
      const visibleChange = before?.displayName !== user.displayName || before.avatarUrl !== user.avatarUrl;
      if (visibleChange) {
        const others = await profileOnlyAudience(tx, auth.user.id, audience);
        if (others.length > 0) {
          await tx.emit(topics.presence, { v: 1, type: 'user.updated', user: withoutPresence(user), audience: others });
        }
      }
      return user;
    });
  }

  /**
   * Deletes the account (`DELETE /v1/me`), confirmed by its password (a wrong one counts
   * as a failed login); see {@link removeAccount}. Returns the old avatar URL, for the
   * caller to drop the stored picture.
   */
  async deleteAccount(
    auth: AuthContext,
    password: string,
    origin: ClientOrigin,
    options: { withContent?: boolean } = {},
  ): Promise<string | null> {
    await this.attempt(origin, async () => {
      if (!(await verifyPassword(auth.user.passwordHash, password))) {
        throw new AppError('invalid_credentials', 'The password is wrong.');
      }
    });
    return this.removeAccount(auth.user, selfActor(auth.user, origin), options.withContent === true);
  }

  /**
   * Deletes an account, for its owner or an admin (services/admin.ts): the profile becomes
   * DELETED_ACCOUNT_NAME without avatar or status, no password verifies any more, every
   * device is logged out, contacts and presence go, and the directory no longer finds it;
   * the username stays taken so that nobody can pass for the old owner. Without content
   * its messages stay in their conversations under that name; with content the
   * `account.erase` job erases everything it sent, in batches, after the commit
   * (account-erasure.ts; refused while the account is on legal hold). Everyone who saw the
   * profile gets the change; the audit log gets `account.deleted`. Returns the old avatar URL.
   */
  async removeAccount(user: UserRecord, actor: AuditActor, withContent: boolean): Promise<string | null> {
    const id = user.id;
    if (withContent) await checkErasable(this.deps.store, id);
    const audience = await presenceAudience(this.deps.store, id);
    const others = await profileOnlyAudience(this.deps.store, id, audience);
    const before = await this.deps.store.getUser(id);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const sessions = await tx.deleteAccount(id, now, DELETED_ACCOUNT_NAME);
      await emitRevoked(tx, id, sessions);
      const deleted = await tx.getUser(id);
      if (!deleted) throw new AppError('not_found', 'This account no longer exists.');
      const everyone = [...new Set([...audience, ...others])];
      if (everyone.length > 0) {
        await tx.emit(topics.presence, { v: 1, type: 'user.updated', user: toUser(deleted), audience: everyone });
      }
      if (withContent) await enqueueAccountErasure(tx, { userId: id, actor }, newId('j', now), now);
      await recordAudit(tx, actor, now, 'account.deleted', id, { username: user.username, withContent });
      // A deleted account is no admin, and the server must keep one.
      await keepOneAdmin(
        tx,
        user,
        'You are the last active administrator: make someone else an administrator before deleting your account.',
      );
    });
    return before?.avatarUrl ?? null;
  }

  /** A user by id, as stored (for lookups inside the server: gateways show it only to whoever may see it). */
  async getUser(id: string): Promise<User> {
    const user = await this.deps.store.getUser(id);
    if (!user) throw new AppError('not_found', 'No such user.');
    return toUser(user);
  }

  /** Users by id, as stored, in one read (unknown ids are left out). */
  async getUsers(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    return (await this.deps.store.getUsers(ids)).map(toUser);
  }

  /** A user's profile as the actor may see it: the status text only if they see the user's presence. */
  async profile(auth: AuthContext, id: string): Promise<User> {
    const [user] = await profilesFor(this.deps.store, auth.user.id, [await this.getUser(id)]);
    if (!user) throw new AppError('not_found', 'No such user.');
    return user;
  }

  /** The user with this username (stored form; see profile()). */
  async findByUsername(username: string): Promise<User[]> {
    const user = await this.userByName(username);
    return user && user.deletedAt === null ? [toUser(user)] : [];
  }

  /** The user with this username, as the actor may see them. */
  async findProfiles(auth: AuthContext, username: string): Promise<User[]> {
    return profilesFor(this.deps.store, auth.user.id, await this.findByUsername(username));
  }

  async listUsers(options: { limit: number; afterUsername?: string }): Promise<User[]> {
    return (await this.deps.store.listUsers(options)).map(toUser);
  }
}
