/**
 * Server invites (migration 0031). `useServerInvite` counts a use with one conditional
 * UPDATE, so concurrent sign-ups never exceed `max_uses`. No hashing, no permission
 * checks here (services/server-invites.ts).
 */
import type { ServerInvite } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { NewServerInvite, UseServerInviteResult } from '../../ports/console-records';
import type { ServerInvitesTable } from '../db-schema';
import { atomic } from '../atomic';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

function toServerInvite(row: Selectable<ServerInvitesTable>): ServerInvite {
  return {
    id: row.id,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    maxUses: row.max_uses === null ? null : Number(row.max_uses),
    uses: Number(row.uses),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    note: row.note,
  };
}

export async function createServerInvite(db: Db, invite: NewServerInvite): Promise<ServerInvite> {
  const row = await db
    .insertInto('server_invites')
    .values({
      id: invite.id,
      code_hash: invite.codeHash,
      created_by: invite.createdBy,
      created_at: invite.createdAt,
      expires_at: invite.expiresAt,
      max_uses: invite.maxUses,
      note: invite.note,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toServerInvite(row);
}

export async function listServerInvites(db: Db, limit: number): Promise<ServerInvite[]> {
  const rows = await db
    .selectFrom('server_invites')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.trunc(limit)))
    .execute();
  return rows.map(toServerInvite);
}

export async function revokeServerInvite(
  db: Db,
  id: string,
  at: number,
): Promise<{ invite: ServerInvite; changed: boolean } | undefined> {
  const result = await db
    .updateTable('server_invites')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const row = await db.selectFrom('server_invites').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { invite: toServerInvite(row), changed: affected(result.numUpdatedRows) };
}

export async function useServerInvite(db: Db, codeHash: string, now: number): Promise<UseServerInviteResult> {
  return atomic(db, async (tx) => {
    // One conditional UPDATE: under concurrency exactly max_uses of them match.
    const updated = await tx
      .updateTable('server_invites')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('code_hash', '=', codeHash)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .returningAll()
      .executeTakeFirst();
    if (updated) return { ok: true, invite: toServerInvite(updated) };
    const row = await tx.selectFrom('server_invites').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.expires_at !== null && Number(row.expires_at) <= now) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'used_up' };
  });
}

export async function releaseServerInvite(db: Db, id: string): Promise<void> {
  await db
    .updateTable('server_invites')
    .set((eb) => ({ uses: eb('uses', '-', 1) }))
    .where('id', '=', id)
    .where('uses', '>', 0)
    .execute();
}
