/**
 * Server admins, deactivation, run-time settings, two-factor secrets, recovery
 * codes and login challenges. Only persistence: no hashing of codes, no TOTP
 * arithmetic, no authorization (services/admin.ts and services/two-factor.ts).
 */
import { sql } from 'kysely';
import type { LoginChallengeRecord, TwoFactorRecord } from '../../ports/admin-records';
import type { UserRecord } from '../../ports/store';
import { toUser } from '../rows';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

export async function setAdmin(db: Db, userId: string, since: number | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ admin_since: since }).where('id', '=', userId).executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function setDeactivated(db: Db, userId: string, at: number | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ deactivated_at: at }).where('id', '=', userId).executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function countActiveAdmins(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('admin_since', 'is not', null)
    .where('deactivated_at', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function hasUsers(db: Db): Promise<boolean> {
  return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** `%` and `_` in the query are matched literally. */
export function escapeLike(text: string): string {
  return text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function searchUsers(
  db: Db,
  options: { query?: string; afterUsername?: string; limit: number },
): Promise<UserRecord[]> {
  let query = db.selectFrom('users').selectAll().orderBy('username').limit(options.limit);
  if (options.afterUsername !== undefined) query = query.where('username', '>', options.afterUsername);
  const text = options.query?.trim();
  if (text) {
    const escaped = escapeLike(text);
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`${eb.ref('username')} like ${`${escaped}%`} escape '\\'`,
        sql<boolean>`lower(${eb.ref('display_name')}) like ${`%${escaped}%`} escape '\\'`,
      ]),
    );
  }
  return (await query.execute()).map(toUser);
}

export async function getServerSettings(db: Db): Promise<Map<string, unknown>> {
  const rows = await db.selectFrom('server_settings').select(['key', 'value']).execute();
  return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
}

export async function setServerSetting(db: Db, key: string, value: unknown, at: number): Promise<void> {
  await db
    .insertInto('server_settings')
    .values({ key, value: JSON.stringify(value), updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: at }))
    .execute();
}

export async function getTwoFactor(db: Db, userId: string): Promise<TwoFactorRecord | undefined> {
  const row = await db.selectFrom('two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return (
    row && {
      userId: row.user_id,
      secret: row.secret,
      createdAt: Number(row.created_at),
      enabledAt: row.enabled_at === null ? null : Number(row.enabled_at),
      lastStep: Number(row.last_step),
    }
  );
}

export async function listTwoFactorEnabled(db: Db, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('two_factor')
    .select('user_id')
    .where('user_id', 'in', [...userIds])
    .where('enabled_at', 'is not', null)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

export async function setTwoFactorSecret(db: Db, userId: string, secret: string, at: number): Promise<void> {
  await db
    .insertInto('two_factor')
    .values({ user_id: userId, secret, created_at: at, enabled_at: null, last_step: 0 })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ secret, created_at: at, enabled_at: null, last_step: 0 }))
    .execute();
}

/** Callers run this inside a transaction. */
export async function enableTwoFactor(
  db: Db,
  userId: string,
  at: number,
  step: number,
  codeHashes: readonly string[],
): Promise<void> {
  await db.updateTable('two_factor').set({ enabled_at: at, last_step: step }).where('user_id', '=', userId).execute();
  await replaceRecoveryCodes(db, userId, codeHashes);
}

export async function useTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('two_factor')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('last_step', '<', step)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function useRecoveryCode(db: Db, userId: string, codeHash: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function countRecoveryCodesLeft(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Callers run this inside a transaction. */
export async function replaceRecoveryCodes(db: Db, userId: string, codeHashes: readonly string[]): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codeHashes.length === 0) return;
  await db
    .insertInto('recovery_codes')
    .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, used_at: null })))
    .execute();
}

/** Callers run this inside a transaction. */
export async function deleteTwoFactor(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('two_factor').where('user_id', '=', userId).execute();
}

export async function createLoginChallenge(
  db: Db,
  challenge: Omit<LoginChallengeRecord, 'attempts'>,
  now: number,
): Promise<void> {
  await db.deleteFrom('login_challenges').where('expires_at', '<', now).execute();
  await db
    .insertInto('login_challenges')
    .values({
      id_hash: challenge.idHash,
      user_id: challenge.userId,
      device_name: challenge.deviceName,
      expires_at: challenge.expiresAt,
      attempts: 0,
    })
    .execute();
}

export async function attemptLoginChallenge(db: Db, idHash: string): Promise<LoginChallengeRecord | undefined> {
  await db
    .updateTable('login_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id_hash', '=', idHash)
    .execute();
  const row = await db.selectFrom('login_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  return (
    row && {
      idHash: row.id_hash,
      userId: row.user_id,
      deviceName: row.device_name,
      expiresAt: Number(row.expires_at),
      attempts: Number(row.attempts),
    }
  );
}

export async function deleteLoginChallenge(db: Db, idHash: string): Promise<boolean> {
  const result = await db.deleteFrom('login_challenges').where('id_hash', '=', idHash).executeTakeFirst();
  return affected(result.numDeletedRows);
}
