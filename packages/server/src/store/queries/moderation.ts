/**
 * Moderation records of a conversation: bans (with an optional expiry), reports of
 * messages to its moderators, and invite links (expiry, use count, revocation).
 * `useInvite` counts a use with one conditional UPDATE, so concurrent accepts never
 * exceed `max_uses`. No permission checks here.
 */
import type { Ban, Invite, Report } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { BansTable, InvitesTable, ReportsTable } from '../db-schema';
import { atomic, recoverable } from '../atomic';
import { affected, type QueryContext } from './context';
import { getMessage } from './messages';

type Db = QueryContext['db'];

function toBan(row: Selectable<BansTable>): Ban {
  return {
    userId: row.user_id,
    bannedBy: row.banned_by,
    reason: row.reason,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function toInvite(row: Selectable<InvitesTable>): Invite {
  return {
    code: row.code,
    conversationId: row.conversation_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    maxUses: row.max_uses === null ? null : Number(row.max_uses),
    uses: Number(row.uses),
    revoked: Number(row.revoked) === 1,
  };
}

export async function toReport(db: Db, row: Selectable<ReportsTable>): Promise<Report> {
  const message = await getMessage(db, row.message_id);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    reporterId: row.reporter_id,
    reason: row.reason,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    message: message && message.conversationId === row.conversation_id ? message : null,
  };
}

// bans

export async function addBan(db: Db, conversationId: string, ban: Ban): Promise<void> {
  const values = {
    banned_by: ban.bannedBy,
    reason: ban.reason,
    created_at: ban.createdAt,
    expires_at: ban.expiresAt,
  };
  await db
    .insertInto('bans')
    .values({ conversation_id: conversationId, user_id: ban.userId, ...values })
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doUpdateSet(values))
    .execute();
}

export async function removeBan(db: Db, conversationId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('bans')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function getActiveBan(
  db: Db,
  conversationId: string,
  userId: string,
  now: number,
): Promise<Ban | undefined> {
  const row = await db
    .selectFrom('bans')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .executeTakeFirst();
  return row && toBan(row);
}

/** Active bans, newest first. */
export async function listBans(db: Db, conversationId: string, now: number): Promise<Ban[]> {
  const rows = await db
    .selectFrom('bans')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('user_id')
    .execute();
  return rows.map(toBan);
}

// reports

export async function getReport(db: Db, id: string): Promise<Report | undefined> {
  const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toReport(db, row);
}

export async function createReport(
  { db, dialect }: QueryContext,
  report: Omit<Report, 'message' | 'resolvedAt' | 'resolvedBy'>,
): Promise<Report> {
  const existing = async (): Promise<Report | undefined> => {
    const row = await db
      .selectFrom('reports')
      .selectAll()
      .where('message_id', '=', report.messageId)
      .where('reporter_id', '=', report.reporterId)
      .executeTakeFirst();
    return row && toReport(db, row);
  };
  const first = await existing();
  if (first) return first;
  try {
    await recoverable(db, (tx) =>
      tx
        .insertInto('reports')
        .values({
          id: report.id,
          conversation_id: report.conversationId,
          message_id: report.messageId,
          reporter_id: report.reporterId,
          reason: report.reason,
          created_at: report.createdAt,
          resolved_at: null,
          resolved_by: null,
        })
        .execute(),
    );
  } catch (error) {
    // A concurrent report of the same message by the same reporter committed first.
    if (!dialect.isUniqueViolation(error)) throw error;
    const raced = await existing();
    if (raced) return raced;
    throw error;
  }
  const stored = await getReport(db, report.id);
  if (!stored) throw new Error('report vanished after insert');
  return stored;
}

export async function listReports(
  db: Db,
  conversationId: string,
  options: { open: boolean; limit: number },
): Promise<Report[]> {
  let query = db
    .selectFrom('reports')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.max(1, Math.trunc(options.limit)));
  if (options.open) query = query.where('resolved_at', 'is', null);
  const rows = await query.execute();
  const reports: Report[] = [];
  for (const row of rows) reports.push(await toReport(db, row));
  return reports;
}

/** Resolves once: a repeat keeps the first resolution. Undefined for an unknown id. */
export async function resolveReport(db: Db, id: string, by: string, at: number): Promise<Report | undefined> {
  await db
    .updateTable('reports')
    .set({ resolved_at: at, resolved_by: by })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .execute();
  return getReport(db, id);
}

// invites

export async function createInvite(db: Db, invite: Invite): Promise<Invite> {
  await db
    .insertInto('invites')
    .values({
      code: invite.code,
      conversation_id: invite.conversationId,
      created_by: invite.createdBy,
      created_at: invite.createdAt,
      expires_at: invite.expiresAt,
      max_uses: invite.maxUses,
      uses: invite.uses,
      revoked: invite.revoked ? 1 : 0,
    })
    .execute();
  return invite;
}

export async function getInvite(db: Db, code: string): Promise<Invite | undefined> {
  const row = await db.selectFrom('invites').selectAll().where('code', '=', code).executeTakeFirst();
  return row && toInvite(row);
}

/** Every invite of the conversation (revoked and expired included), newest first. */
export async function listInvites(db: Db, conversationId: string): Promise<Invite[]> {
  const rows = await db
    .selectFrom('invites')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at', 'desc')
    .orderBy('code')
    .execute();
  return rows.map(toInvite);
}

export async function revokeInvite(db: Db, code: string): Promise<boolean> {
  const result = await db
    .updateTable('invites')
    .set({ revoked: 1 })
    .where('code', '=', code)
    .where('revoked', '=', 0)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export type UseInviteResult =
  { ok: true; invite: Invite } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'used_up' };

export async function useInvite(db: Db, code: string, now: number): Promise<UseInviteResult> {
  return atomic(db, async (tx) => {
    // One conditional UPDATE: under concurrency exactly max_uses of them match.
    const updated = await tx
      .updateTable('invites')
      .set((eb) => ({ uses: eb('uses', '+', 1) }))
      .where('code', '=', code)
      .where('revoked', '=', 0)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
      .returningAll()
      .executeTakeFirst();
    if (updated) return { ok: true, invite: toInvite(updated) };
    const invite = await getInvite(tx, code);
    if (!invite) return { ok: false, reason: 'unknown' };
    if (invite.revoked) return { ok: false, reason: 'revoked' };
    if (invite.expiresAt !== null && invite.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'used_up' };
  });
}
