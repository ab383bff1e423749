/**
 * Users and sessions: creation, lookup, profile updates and the per-device
 * session lifecycle. Only persistence: no hashing, no token generation, no
 * authorization (services do those).
 */
import type { PresenceVisibility } from '@parley/protocol';
import type { Updateable } from 'kysely';
import { AppError } from '../../domain/errors';
import type { NewUser, ProfilePatch, ScramCredential, SessionRecord, UserRecord } from '../../ports/store';
import { recoverable } from '../atomic';
import type { UsersTable } from '../db-schema';
import { toSession, toUser } from '../rows';
import { affected, type QueryContext } from './context';

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
    bot: user.bot === true ? 1 : 0,
    owner_id: user.ownerId ?? null,
  };
  try {
    await recoverable(db, (d) => d.insertInto('users').values(row).execute());
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
