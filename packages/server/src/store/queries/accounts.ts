/**
 * Users and sessions: creation, lookup, profile updates and the per-device
 * session lifecycle. Only persistence: no hashing, no token generation, no
 * authorization (services do those).
 */
import type { PresenceVisibility } from '@parley/protocol';
import { sql, type Updateable } from 'kysely';
import { AppError } from '../../domain/errors';
import type {
  NewUser,
  ProfilePatch,
  ScramCredential,
  SearchUsersOptions,
  SessionRecord,
  UserRecord,
} from '../../ports/store';
import { atomic } from '../atomic';
import type { UsersTable } from '../db-schema';
import { toSession, toUser } from '../rows';
import { affected, type QueryContext } from './context';

/**
 * Inserts the account; the first account of a fresh store also becomes its admin:
 * whoever writes store_meta `first_admin` first (a primary key, so exactly one
 * account on every node of a cluster) gets admin_since, in the same atomic section.
 */
export async function createUser({ db, dialect }: QueryContext, user: NewUser): Promise<UserRecord> {
  const row = {
    id: user.id,
    username: user.username,
    display_name: user.displayName,
    avatar_url: null,
    status_text: null,
    password_hash: user.passwordHash,
    created_at: user.createdAt,
    last_seen_at: null,
    presence_visibility: 'everyone' as const,
    deleted_at: null,
    admin_since: null as number | null,
    deactivated_at: null,
    bot: user.bot === true ? 1 : 0,
    owner_id: user.ownerId ?? null,
  };
  try {
    await atomic(db, async (d) => {
      await d.insertInto('users').values(row).execute();
      const first = await d
        .insertInto('store_meta')
        .values({ key: 'first_admin', value: user.id })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (affected(first.numInsertedOrUpdatedRows)) {
        row.admin_since = user.createdAt;
        await d.updateTable('users').set({ admin_since: user.createdAt }).where('id', '=', user.id).execute();
      }
    });
  } catch (error) {
    // Decide by looking, not by parsing constraint names: an id collision is not a taken username.
    if (dialect.isUniqueViolation(error) && (await getUserByUsername(db, user.username)) !== undefined) {
      throw new AppError('username_taken', `The username "${user.username}" is taken.`, { cause: error });
    }
    throw error;
  }
  return toUser(row);
}

export async function getUser(db: QueryContext['db'], id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function getUserByUsername(db: QueryContext['db'], username: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row && toUser(row);
}

/** In the order of `ids`, without duplicates; unknown ids are left out. */
export async function getUsers(db: QueryContext['db'], ids: readonly string[]): Promise<UserRecord[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', unique).execute();
  const byId = new Map(rows.map((row) => [row.id, toUser(row)]));
  return unique.flatMap((id) => byId.get(id) ?? []);
}

export async function listUsers(
  db: QueryContext['db'],
  options: { limit: number; afterUsername?: string },
): Promise<UserRecord[]> {
  let query = db.selectFrom('users').selectAll().orderBy('username').limit(options.limit);
  if (options.afterUsername !== undefined) query = query.where('username', '>', options.afterUsername);
  return (await query.execute()).map(toUser);
}

/** `text` as a LIKE pattern that matches it literally (escape character `\\`). */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The user directory's query: live accounts whose username starts with `prefix`, or
 * whose display name or one of its words does (case-insensitive: `prefix` comes
 * lower-cased, the columns are lower-cased by the database: ASCII only in SQLite),
 * by username after `afterUsername`, only among `among` when given, never `exclude`.
 */
export async function searchUsers(db: QueryContext['db'], options: SearchUsersOptions): Promise<UserRecord[]> {
  if (options.among?.length === 0) return [];
  const starts = `${likeLiteral(options.prefix)}%`;
  const word = `% ${likeLiteral(options.prefix)}%`;
  let query = db
    .selectFrom('users')
    .selectAll()
    .where('deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('username', 'like', sql<string>`${starts} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql<string>`${starts} escape '\\'`),
        eb(sql`lower(display_name)`, 'like', sql<string>`${word} escape '\\'`),
      ]),
    )
    .orderBy('username')
    .limit(options.limit);
  if (options.afterUsername !== undefined) query = query.where('username', '>', options.afterUsername);
  if (options.among !== undefined) query = query.where('id', 'in', [...options.among]);
  if (options.exclude.length > 0) query = query.where('id', 'not in', [...options.exclude]);
  return (await query.execute()).map(toUser);
}

/**
 * Account deletion: wipes the profile, makes the password unusable, hides the account
 * from everyone's presence, and removes its credentials, contacts (both ways), pending
 * subscription requests and sessions. Returns the deleted sessions' ids. The row stays.
 * Callers run this inside a transaction.
 */
export async function deleteAccount(
  db: QueryContext['db'],
  userId: string,
  at: number,
  displayName: string,
): Promise<string[]> {
  await db
    .updateTable('users')
    .set({
      display_name: displayName,
      avatar_url: null,
      status_text: null,
      // Not a PHC string: no password ever verifies against it.
      password_hash: '!deleted',
      presence_visibility: 'nobody',
      deleted_at: at,
    })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('scram_credentials').where('user_id', '=', userId).execute();
  await db
    .deleteFrom('contacts')
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('contact_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('subscription_requests')
    .where((eb) => eb.or([eb('requester_id', '=', userId), eb('target_id', '=', userId)]))
    .execute();
  const sessions = await db.deleteFrom('sessions').where('user_id', '=', userId).returning('id').execute();
  return sessions.map((s) => s.id);
}

export async function updateProfile(
  db: QueryContext['db'],
  id: string,
  patch: ProfilePatch,
): Promise<UserRecord | undefined> {
  const set: Updateable<UsersTable> = {};
  if (patch.displayName !== undefined) set.display_name = patch.displayName;
  if (patch.avatarUrl !== undefined) set.avatar_url = patch.avatarUrl;
  if (patch.statusText !== undefined) set.status_text = patch.statusText;
  if (Object.keys(set).length === 0) return getUser(db, id);
  const row = await db.updateTable('users').set(set).where('id', '=', id).returningAll().executeTakeFirst();
  return row && toUser(row);
}

export async function setPasswordHash(
  db: QueryContext['db'],
  id: string,
  passwordHash: string,
  scram: readonly ScramCredential[],
): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
  await setScramCredentials(db, id, scram);
}

/** Callers run this inside a transaction: delete and insert must land together. */
export async function setScramCredentials(
  db: QueryContext['db'],
  userId: string,
  scram: readonly ScramCredential[],
): Promise<void> {
  await db.deleteFrom('scram_credentials').where('user_id', '=', userId).execute();
  if (scram.length === 0) return;
  await db
    .insertInto('scram_credentials')
    .values(
      scram.map((c) => ({
        user_id: userId,
        mechanism: c.mechanism,
        iterations: c.iterations,
        salt: c.salt,
        stored_key: c.storedKey,
        server_key: c.serverKey,
      })),
    )
    .execute();
}

export async function getScramCredential(
  db: QueryContext['db'],
  userId: string,
  mechanism: ScramCredential['mechanism'],
): Promise<ScramCredential | undefined> {
  const row = await db
    .selectFrom('scram_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .where('mechanism', '=', mechanism)
    .executeTakeFirst();
  return (
    row && {
      mechanism,
      iterations: Number(row.iterations),
      salt: row.salt,
      storedKey: row.stored_key,
      serverKey: row.server_key,
    }
  );
}

export async function setLastSeen(db: QueryContext['db'], id: string, at: number): Promise<void> {
  await db.updateTable('users').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function setPresenceVisibility(
  db: QueryContext['db'],
  id: string,
  visibility: PresenceVisibility,
): Promise<void> {
  await db.updateTable('users').set({ presence_visibility: visibility }).where('id', '=', id).execute();
}

export async function createSession(db: QueryContext['db'], session: SessionRecord): Promise<SessionRecord> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      user_id: session.userId,
      token_hash: session.tokenHash,
      device_name: session.deviceName,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    })
    .execute();
  return { ...session };
}

export async function getSessionByTokenHash(
  db: QueryContext['db'],
  tokenHash: string,
): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return row && toSession(row);
}

export async function getSession(db: QueryContext['db'], id: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

export async function listSessions(db: QueryContext['db'], userId: string): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

export async function touchSession(
  db: QueryContext['db'],
  id: string,
  lastSeenAt: number,
  expiresAt: number,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteSession(db: QueryContext['db'], id: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function deleteSessionsOfUser(
  db: QueryContext['db'],
  userId: string,
  exceptId?: string,
): Promise<string[]> {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  const rows = await query.returning('id').execute();
  return rows.map((row) => row.id);
}
