/**
 * Contact lists and blocks: one-directional relations between users. Adding is
 * idempotent; nothing here decides who may contact whom (services do).
 */
import type { ContactRecord, UserRecord } from '../../ports/store';
import { toUser } from '../rows';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

export async function addContact(db: Db, ownerId: string, contactId: string, at: number): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ owner_id: ownerId, contact_id: contactId, created_at: at, nickname: null })
    .onConflict((oc) => oc.columns(['owner_id', 'contact_id']).doNothing())
    .execute();
}

export async function removeContact(db: Db, ownerId: string, contactId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('contacts')
    .where('owner_id', '=', ownerId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function listContacts(db: Db, ownerId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('contacts')
    .innerJoin('users', 'users.id', 'contacts.contact_id')
    .selectAll('users')
    .where('contacts.owner_id', '=', ownerId)
    .orderBy('users.username')
    .execute();
  return rows.map(toUser);
}

/** Group names are stored as a JSON array; anything else (never written by Parley) reads as none. */
function parseGroups(raw: string): string[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

function toContact(row: { contact_id: string; nickname: string | null; group_names: string; created_at: number }) {
  return {
    contactId: row.contact_id,
    nickname: row.nickname,
    groups: parseGroups(row.group_names),
    createdAt: row.created_at,
  } satisfies ContactRecord;
}

export async function listContactDetails(db: Db, ownerId: string): Promise<ContactRecord[]> {
  const rows = await db
    .selectFrom('contacts')
    .innerJoin('users', 'users.id', 'contacts.contact_id')
    .select(['contacts.contact_id', 'contacts.nickname', 'contacts.group_names', 'contacts.created_at'])
    .where('contacts.owner_id', '=', ownerId)
    .orderBy('users.username')
    .execute();
  return rows.map(toContact);
}

export async function getContactDetails(
  db: Db,
  ownerId: string,
  contactId: string,
): Promise<ContactRecord | undefined> {
  const row = await db
    .selectFrom('contacts')
    .select(['contact_id', 'nickname', 'group_names', 'created_at'])
    .where('owner_id', '=', ownerId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return row && toContact(row);
}

export async function setContactDetails(
  db: Db,
  ownerId: string,
  contactId: string,
  details: { nickname: string | null; groups: readonly string[] },
): Promise<boolean> {
  const result = await db
    .updateTable('contacts')
    .set({ nickname: details.nickname, group_names: JSON.stringify(details.groups) })
    .where('owner_id', '=', ownerId)
    .where('contact_id', '=', contactId)
    .executeTakeFirst();
  return affected(result.numUpdatedRows);
}

export async function listContactOwners(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('contacts')
    .select('owner_id')
    .where('contact_id', '=', userId)
    .orderBy('owner_id')
    .execute();
  return rows.map((row) => row.owner_id);
}

export async function addBlock(db: Db, ownerId: string, blockedId: string, at: number): Promise<void> {
  await db
    .insertInto('blocks')
    .values({ owner_id: ownerId, blocked_id: blockedId, created_at: at })
    .onConflict((oc) => oc.columns(['owner_id', 'blocked_id']).doNothing())
    .execute();
}

export async function removeBlock(db: Db, ownerId: string, blockedId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('blocks')
    .where('owner_id', '=', ownerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function listBlocks(db: Db, ownerId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('blocks')
    .innerJoin('users', 'users.id', 'blocks.blocked_id')
    .selectAll('users')
    .where('blocks.owner_id', '=', ownerId)
    .orderBy('users.username')
    .execute();
  return rows.map(toUser);
}

export async function isBlocked(db: Db, ownerId: string, otherId: string): Promise<boolean> {
  const row = await db
    .selectFrom('blocks')
    .select('owner_id')
    .where('owner_id', '=', ownerId)
    .where('blocked_id', '=', otherId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whom the user blocked and who blocked them, by id; the blocks_blocked_idx index serves the second half. */
export async function listBlockRelations(db: Db, userId: string): Promise<{ blocked: string[]; blockedBy: string[] }> {
  const rows = await db
    .selectFrom('blocks')
    .select(['owner_id', 'blocked_id'])
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
  const blocked = rows.filter((r) => r.owner_id === userId).map((r) => r.blocked_id);
  const blockedBy = rows.filter((r) => r.blocked_id === userId).map((r) => r.owner_id);
  return { blocked: blocked.sort(), blockedBy: blockedBy.sort() };
}

/** Idempotent; true when the request is new. */
export async function addSubscriptionRequest(
  db: Db,
  requesterId: string,
  targetId: string,
  at: number,
): Promise<boolean> {
  const result = await db
    .insertInto('subscription_requests')
    .values({ requester_id: requesterId, target_id: targetId, created_at: at })
    .onConflict((oc) => oc.columns(['requester_id', 'target_id']).doNothing())
    .executeTakeFirst();
  return affected(result.numInsertedOrUpdatedRows);
}

export async function removeSubscriptionRequest(db: Db, requesterId: string, targetId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('subscription_requests')
    .where('requester_id', '=', requesterId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return affected(result.numDeletedRows);
}

/** Users waiting for `targetId` to answer, oldest request first. */
export async function listSubscriptionRequests(db: Db, targetId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('subscription_requests')
    .innerJoin('users', 'users.id', 'subscription_requests.requester_id')
    .selectAll('users')
    .where('subscription_requests.target_id', '=', targetId)
    .orderBy('subscription_requests.created_at')
    .orderBy('users.id')
    .execute();
  return rows.map(toUser);
}

/** Ids of the users `requesterId` is waiting for. */
export async function listOutgoingSubscriptionRequests(db: Db, requesterId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('subscription_requests')
    .select('target_id')
    .where('requester_id', '=', requesterId)
    .orderBy('target_id')
    .execute();
  return rows.map((r) => r.target_id);
}
