/**
 * Accounts and sessions: register, log in and out, authenticate a token, list and
 * revoke devices, change password, profile. One session per device; a revocation
 * commits with a `session.revoked` event on the device's topic, so that every node
 * closes that device's connections (also when the CLI's admin commands revoke).
 */
import { createHmac, randomBytes } from 'node:crypto';
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
async function emitRevoked(tx: Store, userId: string, sessionIds: readonly string[]): Promise<void> {
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

/** What a device is called when its name is missing or blank. */
const UNKNOWN_DEVICE = 'unknown device';

export class AccountService {
  private readonly rates: RateLimits;

  constructor(private readonly deps: ServiceDeps) {
    this.rates = new RateLimits(deps.rates, deps.logger);
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

  private async insertUser(input: { username: string; password: string; displayName?: string }): Promise<UserRecord> {
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
    return user;
  }

  /** Self sign-up is open (PARLEY_REGISTRATION): gateways offer it only then (XMPP: XEP-0077). */
  get registrationOpen(): boolean {
    return this.deps.limits.registrationOpen;
  }

  /**
   * Self sign-up, for every way in (HTTP `register`, XMPP in-band registration): refused
   * when closed; every registration counts against the address's budget
   * (PARLEY_RATE_AUTH_PER_MIN), then the username rules and the password policy apply.
   * @throws AppError('registration_closed' | 'rate_limited' | 'bad_request' | 'weak_password' | 'username_taken' | 'invalid_text')
   */
  async signUp(
    input: { username: string; password: string; displayName?: string },
    origin: ClientOrigin,
  ): Promise<User> {
    return toUser(await this.signUpRecord(input, origin));
  }

  private async signUpRecord(
    input: { username: string; password: string; displayName?: string },
    origin: ClientOrigin,
  ): Promise<UserRecord> {
    if (!this.registrationOpen) {
      throw new AppError('registration_closed', 'Self sign-up is closed on this server: ask an administrator.');
    }
    await this.rates.authAttempt(origin);
    return this.insertUser(input);
  }

  /** Self sign-up over HTTP ({@link signUp}), logged in on this device. */
  async register(
    input: { username: string; password: string; displayName?: string; deviceName?: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    const deviceName = this.deviceNameOf(input.deviceName);
    return this.openSession(await this.signUpRecord(input, origin), deviceName);
  }

  /** Creates an account without a session (administration, `parley user add`). */
  async createUser(input: { username: string; password: string; displayName?: string }): Promise<User> {
    return toUser(await this.insertUser(input));
  }

  async login(
    input: { username: string; password: string; deviceName?: string },
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    const deviceName = this.deviceNameOf(input.deviceName);
    const user = await this.attempt(origin, () => this.verifyLogin(input.username, input.password));
    return this.openSession(user, deviceName);
  }

  /** The account whose password this is; `invalid_credentials` otherwise, in the same time either way. */
  private async verifyLogin(username: string, password: string): Promise<UserRecord> {
    const user = await this.userByName(username);
    // A bot has no password: it is checked against the dummy hash, in the same time, and refused.
    const hash = user && user.bot !== true ? user.passwordHash : await dummyPasswordHash();
    const ok = await verifyPassword(hash, password);
    if (!user || user.bot === true || !ok) throw new AppError('invalid_credentials', 'Wrong username or password.');
    return user;
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
    const user = await this.attempt(origin, () => this.verifyLogin(input.username, input.password));
    if (!(await this.deps.store.getScramCredential(user.id, 'SCRAM-SHA-256'))) {
      await this.deps.store.setScramCredentials(user.id, await deriveAllScram(input.password));
    }
    return { user, session: (await this.createSession(user, this.deviceNameOf(input.deviceName))).session };
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
    const { user, serverSignature } = await this.attempt(origin, async () => {
      const user = await this.userByName(input.username);
      const credential = user && (await this.deps.store.getScramCredential(user.id, input.mechanism));
      const serverSignature = credential ? verifyScramProof(credential, input.authMessage, input.clientProof) : null;
      if (!user || serverSignature === null) throw new AppError('invalid_credentials', 'Wrong username or password.');
      return { user, serverSignature };
    });
    const deviceName = this.deviceNameOf(input.deviceName);
    return { auth: { user, session: (await this.createSession(user, deviceName)).session }, serverSignature };
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
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      session.lastSeenAt = now;
      if (!bot) session.expiresAt = now + this.deps.limits.sessionTtlMs;
      await this.deps.store.touchSession(session.id, session.lastSeenAt, session.expiresAt);
    }
    return { user, session };
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteSession(auth.session.id);
      await emitRevoked(tx, auth.user.id, [auth.session.id]);
    });
  }

  async listSessions(auth: AuthContext): Promise<Session[]> {
    const sessions = await this.deps.store.listSessions(auth.user.id);
    return sessions.map((s) => toSession(s, auth.session.id));
  }

  async revokeSession(auth: AuthContext, sessionId: string): Promise<void> {
    const session = await this.deps.store.getSession(sessionId);
    if (!session || session.userId !== auth.user.id)
      throw new AppError('not_found', 'No such session on your account.');
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteSession(sessionId);
      await emitRevoked(tx, auth.user.id, [sessionId]);
    });
  }

  /** Changes the password and logs out every other device; a wrong current password counts as a failed login. */
  async changePassword(
    auth: AuthContext,
    currentPassword: string,
    newPassword: string,
    origin: ClientOrigin,
  ): Promise<void> {
    await this.attempt(origin, async () => {
      if (!(await verifyPassword(auth.user.passwordHash, currentPassword))) {
        throw new AppError('invalid_credentials', 'The current password is wrong.');
      }
    });
    this.checkPassword(newPassword);
    const [hash, scram] = [await hashPassword(newPassword), await deriveAllScram(newPassword)];
    await this.deps.store.transaction(async (tx) => {
      await tx.setPasswordHash(auth.user.id, hash, scram);
      await emitRevoked(tx, auth.user.id, await tx.deleteSessionsOfUser(auth.user.id, auth.session.id));
    });
  }

  /** Administrative reset (`parley user passwd`): sets the password and logs out every device. */
  async resetPassword(username: string, newPassword: string): Promise<void> {
    this.checkPassword(newPassword);
    const user = await this.userByName(username);
    if (!user) throw new AppError('not_found', `No user named ${username}.`);
    const [hash, scram] = [await hashPassword(newPassword), await deriveAllScram(newPassword)];
    await this.deps.store.transaction(async (tx) => {
      await tx.setPasswordHash(user.id, hash, scram);
      await emitRevoked(tx, user.id, await tx.deleteSessionsOfUser(user.id));
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
    return user ? [toUser(user)] : [];
  }

  /** The user with this username, as the actor may see them. */
  async findProfiles(auth: AuthContext, username: string): Promise<User[]> {
    return profilesFor(this.deps.store, auth.user.id, await this.findByUsername(username));
  }

  async listUsers(options: { limit: number; afterUsername?: string }): Promise<User[]> {
    return (await this.deps.store.listUsers(options)).map(toUser);
  }
}
