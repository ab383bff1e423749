/**
 * The audit log as the services use it: `recordAudit` appends one entry (inside the
 * caller's transaction when there is one, so an action and its entry commit
 * together), `verifyAuditChain` walks the whole chain and names the first entry
 * whose hash, link or place is wrong (docs/adr/0012). Reading it is an admin's
 * (services/admin.ts); nothing in Parley updates or deletes an entry.
 */
import { createHash } from 'node:crypto';
import { auditEntryText, canonicalJson } from '../domain/audit-entry';
import type { AuditRecord } from '../ports/admin-records';
import type { Store } from '../ports/store';

/** Who acted: an account, the server machine's CLI (`cli`), or nobody known (a failed login). */
export interface AuditActor {
  id: string | null;
  name: string | null;
  address: string | null;
}

/** The CLI's admin commands on the server machine (`parley user ...`, `parley audit ...`). */
export const CLI_ACTOR: AuditActor = { id: null, name: 'cli', address: null };

/** prev_hash of the first entry (migration 0018). */
export const AUDIT_GENESIS = '0'.repeat(64);

export async function recordAudit(
  store: Store,
  actor: AuditActor,
  at: number,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
): Promise<AuditRecord> {
  return store.appendAudit({
    at,
    actorId: actor.id,
    actorName: actor.name,
    action,
    target,
    address: actor.address,
    details,
  });
}

export function hashAuditEntry(entry: AuditRecord): string {
  return createHash('sha256').update(auditEntryText(entry), 'utf8').digest('hex');
}

export type AuditProblem =
  /** The entry's own hash does not match its fields: the entry was changed. */
  | 'hash_mismatch'
  /** Its prev_hash is not the hash of the entry before: an entry before it was changed, removed or inserted. */
  | 'broken_link'
  /** A seq is missing (an entry was deleted) or out of order. */
  | 'missing_entry'
  /** The details are not in canonical form (edited by hand). */
  | 'not_canonical'
  /** The head row names a later entry than the last one present: the tail was deleted. */
  | 'truncated'
  /** The entry of an anchor recorded earlier is gone: entries were deleted from the end (head rewritten too). */
  | 'anchor_missing'
  /** The entry of an anchor recorded earlier has another hash now. */
  | 'anchor_mismatch';

export interface AuditVerification {
  ok: boolean;
  /** Entries checked. */
  entries: number;
  /** The last entry's seq and hash: record them elsewhere to detect a truncated tail later. */
  lastSeq: number;
  lastHash: string;
  head: { seq: number; hash: string };
  firstBad?: { seq: number; problem: AuditProblem; message: string };
}

const PAGE = 1000;

/** A seq and hash recorded outside the database (from an earlier verification). */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/**
 * Walks the chain from the first entry; stops at the first problem. With an anchor,
 * the entry it names must still be there with the same hash: the only way to see
 * that entries were deleted from the end when the head row was rewritten too.
 */
export async function verifyAuditChain(store: Store, anchor?: AuditAnchor): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = AUDIT_GENESIS;
  let entries = 0;
  const head = await store.getAuditHead();
  const result = (firstBad?: AuditVerification['firstBad']): AuditVerification => ({
    ok: firstBad === undefined,
    entries,
    lastSeq: expectedSeq - 1,
    lastHash: prevHash,
    head,
    ...(firstBad ? { firstBad } : {}),
  });
  for (;;) {
    const page = await store.listAudit({ after: expectedSeq - 1, limit: PAGE });
    for (const entry of page) {
      if (entry.seq !== expectedSeq) {
        return result({
          seq: expectedSeq,
          problem: 'missing_entry',
          message: `entry ${expectedSeq} is missing (the next one present is ${entry.seq})`,
        });
      }
      if (entry.prevHash !== prevHash) {
        return result({
          seq: entry.seq,
          problem: 'broken_link',
          message: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: its prev_hash differs`,
        });
      }
      let canonical: string | undefined;
      try {
        canonical = canonicalJson(JSON.parse(entry.details));
      } catch {
        canonical = undefined;
      }
      if (hashAuditEntry(entry) !== entry.hash) {
        return result({
          seq: entry.seq,
          problem: 'hash_mismatch',
          message: `entry ${entry.seq} was altered: its content does not match its hash`,
        });
      }
      if (canonical !== entry.details) {
        return result({
          seq: entry.seq,
          problem: 'not_canonical',
          message: `entry ${entry.seq} has details that are not canonical JSON`,
        });
      }
      prevHash = entry.hash;
      expectedSeq += 1;
      entries += 1;
    }
    if (page.length < PAGE) break;
  }
  if (head.seq > expectedSeq - 1) {
    return result({
      seq: expectedSeq,
      problem: 'truncated',
      message: `the log ends at entry ${expectedSeq - 1} but its head names entry ${head.seq}: entries were deleted from the end`,
    });
  }
  if (head.seq === expectedSeq - 1 && head.hash !== prevHash) {
    return result({
      seq: head.seq,
      problem: 'hash_mismatch',
      message: `entry ${head.seq} does not match the hash the head recorded for it`,
    });
  }
  if (anchor) {
    const [entry] = await store.listAudit({ after: anchor.seq - 1, limit: 1 });
    if (entry?.seq !== anchor.seq) {
      return result({
        seq: anchor.seq,
        problem: 'anchor_missing',
        message: `entry ${anchor.seq} of the anchor is gone (the log ends at ${expectedSeq - 1}): entries were deleted from the end`,
      });
    }
    if (entry.hash !== anchor.hash) {
      return result({
        seq: anchor.seq,
        problem: 'anchor_mismatch',
        message: `entry ${anchor.seq} no longer has the hash of the anchor`,
      });
    }
  }
  return result();
}
