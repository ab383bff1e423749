/**
 * Single sign-on identities and login tickets (ports/sso-records.ts). Only
 * persistence: no hashing, no OpenID Connect (services/sso.ts).
 */
import type { SsoIdentityRecord, SsoTicketKind } from '../../ports/sso-records';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

export async function getSsoIdentity(db: Db, issuer: string, subject: string): Promise<SsoIdentityRecord | undefined> {
  const row = await db
    .selectFrom('sso_identities')
    .selectAll()
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .executeTakeFirst();
  return (
    row && {
      issuer: row.issuer,
      subject: row.subject,
      userId: row.user_id,
      createdAt: Number(row.created_at),
      lastLoginAt: Number(row.last_login_at),
    }
  );
}

export async function linkSsoIdentity(db: Db, identity: SsoIdentityRecord): Promise<boolean> {
  const result = await db
    .insertInto('sso_identities')
    .values({
      issuer: identity.issuer,
      subject: identity.subject,
      user_id: identity.userId,
      created_at: identity.createdAt,
      last_login_at: identity.lastLoginAt,
    })
    .onConflict((oc) => oc.columns(['issuer', 'subject']).doNothing())
    .executeTakeFirst();
  return affected(result.numInsertedOrUpdatedRows);
}

export async function touchSsoIdentity(db: Db, issuer: string, subject: string, at: number): Promise<void> {
  await db
    .updateTable('sso_identities')
    .set({ last_login_at: at })
    .where('issuer', '=', issuer)
    .where('subject', '=', subject)
    .execute();
}

export async function countSsoIdentities(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sso_identities')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function putSsoTicket(
  db: Db,
  ticket: { kind: SsoTicketKind; idHash: string; data: string; expiresAt: number },
  now: number,
): Promise<void> {
  await db.deleteFrom('sso_tickets').where('expires_at', '<', now).execute();
  await db
    .insertInto('sso_tickets')
    .values({ id_hash: ticket.idHash, kind: ticket.kind, data: ticket.data, expires_at: ticket.expiresAt })
    .execute();
}

export async function takeSsoTicket(
  db: Db,
  kind: SsoTicketKind,
  idHash: string,
  now: number,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('sso_tickets')
    .select(['data', 'expires_at'])
    .where('id_hash', '=', idHash)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return undefined;
  // The delete decides: of two racing requests only one removes the row.
  const result = await db.deleteFrom('sso_tickets').where('id_hash', '=', idHash).executeTakeFirst();
  if (!affected(result.numDeletedRows)) return undefined;
  return Number(row.expires_at) > now ? row.data : undefined;
}
