/**
 * The append-only audit log (docs/adr/0012). An append first bumps the single
 * audit_head row (which takes its write lock: PostgreSQL's row lock, SQLite's
 * database lock), then reads the previous hash, computes this entry's hash over its
 * canonical encoding (domain/audit-entry.ts) and inserts it, all in one atomic
 * section: two appends, on one node or two, always chain one after the other.
 * Nothing here updates or deletes an entry.
 */
import { createHash } from 'node:crypto';
import { auditEntryText, canonicalJson, type AuditFields } from '../../domain/audit-entry';
import type { AuditFilter, AuditRecord, NewAuditEntry } from '../../ports/admin-records';
import { atomic } from '../atomic';
import type { AuditLogTable } from '../db-schema';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

export function auditHash(fields: AuditFields): string {
  return createHash('sha256').update(auditEntryText(fields), 'utf8').digest('hex');
}

function toRecord(row: AuditLogTable): AuditRecord {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    target: row.target,
    address: row.address,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export function appendAudit(db: Db, entry: NewAuditEntry): Promise<AuditRecord> {
  return atomic(db, async (d) => {
    // The write comes first so that the lock is taken before anything is read.
    await d
      .updateTable('audit_head')
      .set((eb) => ({ seq: eb('seq', '+', 1) }))
      .where('id', '=', 1)
      .execute();
    const head = await d.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    const fields: AuditFields = {
      seq: Number(head.seq),
      at: entry.at,
      actorId: entry.actorId,
      actorName: entry.actorName,
      action: entry.action,
      target: entry.target,
      address: entry.address,
      details: canonicalJson(entry.details),
      prevHash: head.hash,
    };
    const hash = auditHash(fields);
    await d
      .insertInto('audit_log')
      .values({
        seq: fields.seq,
        at: fields.at,
        actor_id: fields.actorId,
        actor_name: fields.actorName,
        action: fields.action,
        target: fields.target,
        address: fields.address,
        details: fields.details,
        prev_hash: fields.prevHash,
        hash,
      })
      .execute();
    await d.updateTable('audit_head').set({ hash }).where('id', '=', 1).execute();
    return { ...fields, hash };
  });
}

export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_log').selectAll().limit(filter.limit);
  query = filter.after !== undefined ? query.orderBy('seq', 'asc') : query.orderBy('seq', 'desc');
  if (filter.after !== undefined) query = query.where('seq', '>', filter.after);
  if (filter.before !== undefined) query = query.where('seq', '<', filter.before);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<=', filter.to);
  const user = filter.user;
  if (user !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('actor_id', '=', user), eb('actor_name', '=', user), eb('target', '=', user)]),
    );
  }
  return (await query.execute()).map(toRecord);
}

export async function getAuditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}
