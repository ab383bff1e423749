/**
 * Conversations and their members: creation (race-safe for direct pairs through
 * the direct_key unique key), lookup, settings, membership changes (keeping
 * `member_count` exact in the same transaction), per-member settings, keyset pages
 * of members and of the public channel directory. No permission checks here: who
 * may add or remove whom is a service rule.
 *
 * Channels may have 100,000 members: nothing here loads all of a channel's members
 * (getConversation leaves `members` empty for them), and bulk inserts go in chunks.
 */
import type { ChannelListing, Conversation, Member, NotifyLevel, Role } from '@parley/protocol';
import { sql } from 'kysely';
import { AppError } from '../../domain/errors';
import type { ConversationPatch, MemberRecord, NewConversation, NewMember, Page } from '../../ports/store';
import { atomic, recoverable } from '../atomic';
import { toConversation, toMember, toMemberRecord } from '../rows';
import type { QueryContext } from './context';

type Db = QueryContext['db'];

/**
 * Rows per insert statement: 6 parameters each keeps a chunk far below SQLite's
 * 32,766 and PostgreSQL's 65,535 bound parameters, and 100,000 members take 100 statements.
 */
const MEMBER_CHUNK = 1000;

/** The first entry per user wins, so a repeated id cannot trip the primary key. */
function uniqueMembers(members: readonly NewMember[]): NewMember[] {
  const byUser = new Map<string, NewMember>();
  for (const member of members) if (!byUser.has(member.userId)) byUser.set(member.userId, member);
  return [...byUser.values()];
}

/** `startSeq`: the conversation's last seq as the rows are written (where their membership starts). */
function memberRows(conversationId: string, members: readonly NewMember[], at: number, startSeq: number) {
  return members.map((member) => ({
    conversation_id: conversationId,
    user_id: member.userId,
    role: member.role,
    joined_at: at,
    start_seq: startSeq,
    read_seq: 0,
    delivered_seq: 0,
    took_part_at: member.tookPart === true ? at : null,
  }));
}

/**
 * Members of each direct or group conversation, in joining order (ties by user id).
 * Channels map to an empty list: their members are paged with listMembers.
 */
export async function membersOf(db: Db, conversationIds: readonly string[]): Promise<Map<string, Member[]>> {
  const byConversation = new Map<string, Member[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return byConversation;
  const rows = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .selectAll('members')
    .where('members.conversation_id', 'in', [...new Set(conversationIds)])
    .where('conversations.kind', '!=', 'channel')
    .orderBy('members.conversation_id')
    .orderBy('members.joined_at')
    .orderBy('members.user_id')
    .execute();
  for (const row of rows) byConversation.get(row.conversation_id)?.push(toMember(row));
  return byConversation;
}

export async function getConversation(
  db: Db,
  id: string,
  options: { members?: boolean } = {},
): Promise<Conversation | undefined> {
  // A deleted conversation is gone for every read from the commit that marked it (ADR 0020).
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const listed = row.kind === 'direct' || (row.kind === 'group' && options.members !== false);
  const members = listed ? ((await membersOf(db, [row.id])).get(row.id) ?? []) : [];
  return toConversation(row, members);
}

export async function getDirectConversation(db: Db, directKey: string): Promise<Conversation | undefined> {
  const row = await db.selectFrom('conversations').select('id').where('direct_key', '=', directKey).executeTakeFirst();
  return row && getConversation(db, row.id);
}

export async function createConversation(
  { db, dialect }: QueryContext,
  conversation: NewConversation,
  members: readonly NewMember[],
): Promise<{ conversation: Conversation; created: boolean }> {
  const { directKey } = conversation;
  // Fast path for the common "open the chat with X again" call: no write at all.
  if (directKey !== null) {
    const existing = await getDirectConversation(db, directKey);
    if (existing) return { conversation: existing, created: false };
  }
  const unique = uniqueMembers(members);
  try {
    const created = await atomic(db, async (tx) => {
      await tx
        .insertInto('conversations')
        .values({
          id: conversation.id,
          kind: conversation.kind,
          title: conversation.title,
          direct_key: directKey,
          created_at: conversation.createdAt,
          last_seq: 0,
          last_activity_at: conversation.createdAt,
          topic: conversation.topic ?? null,
          description: conversation.description ?? null,
          visibility: conversation.visibility ?? 'private',
          post_policy: conversation.postPolicy ?? 'everyone',
          member_count: unique.length,
          encryption: conversation.encryption ?? null,
        })
        .execute();
      for (let i = 0; i < unique.length; i += MEMBER_CHUNK) {
        await tx
          .insertInto('members')
          .values(memberRows(conversation.id, unique.slice(i, i + MEMBER_CHUNK), conversation.createdAt, 0))
          .execute();
      }
      return getConversation(tx, conversation.id);
    });
    if (!created) throw new Error('conversation vanished inside its creating transaction');
    return { conversation: created, created: true };
  } catch (error) {
    // A concurrent creator of the same pair committed first: theirs is the one.
    if (directKey !== null && dialect.isUniqueViolation(error)) {
      const existing = await getDirectConversation(db, directKey);
      if (existing) return { conversation: existing, created: false };
    }
    throw error;
  }
}

export async function setConversationTitle(db: Db, id: string, title: string): Promise<void> {
  await db.updateTable('conversations').set({ title }).where('id', '=', id).execute();
}

export async function updateConversation(db: Db, id: string, patch: ConversationPatch): Promise<void> {
  const set = {
    ...(patch.title === undefined ? {} : { title: patch.title }),
    ...(patch.topic === undefined ? {} : { topic: patch.topic }),
    ...(patch.description === undefined ? {} : { description: patch.description }),
    ...(patch.visibility === undefined ? {} : { visibility: patch.visibility }),
    ...(patch.postPolicy === undefined ? {} : { post_policy: patch.postPolicy }),
    ...(patch.slowModeSeconds === undefined ? {} : { slow_mode_seconds: patch.slowModeSeconds }),
    ...(patch.avatarUrl === undefined ? {} : { avatar_url: patch.avatarUrl }),
  };
  if (Object.keys(set).length === 0) return;
  await db.updateTable('conversations').set(set).where('id', '=', id).execute();
}

export async function getMember(db: Db, conversationId: string, userId: string): Promise<Member | undefined> {
  const record = await getMemberRecord(db, conversationId, userId);
  return record && toPublicMember(record);
}

function toPublicMember(record: MemberRecord): Member {
  const { userId, role, joinedAt, readSeq, deliveredSeq, mutedUntil } = record;
  return { userId, role, joinedAt, readSeq, deliveredSeq, mutedUntil };
}

export async function getMemberRecord(
  db: Db,
  conversationId: string,
  userId: string,
): Promise<MemberRecord | undefined> {
  const row = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toMemberRecord(row);
}

/**
 * Adds the members who are not members yet, in chunks, and adds their number to
 * `member_count` in the same transaction.
 * @throws AppError('not_found') when the conversation does not exist.
 */
export async function addMembers(
  db: Db,
  conversationId: string,
  members: readonly NewMember[],
  at: number,
): Promise<string[]> {
  const wanted = uniqueMembers(members);
  if (wanted.length === 0) return [];
  return atomic(db, async (tx) => {
    // Taking the row lock first (PostgreSQL) serializes concurrent count updates, and
    // makes last_seq exact: the added members' first entry (their join) comes after it.
    const exists = await tx
      .updateTable('conversations')
      .set((eb) => ({ member_count: eb('member_count', '+', 0) }))
      .where('id', '=', conversationId)
      .returning(['id', 'last_seq'])
      .executeTakeFirst();
    if (!exists) throw new AppError('not_found', 'The conversation does not exist.');
    const added = new Set<string>();
    for (let i = 0; i < wanted.length; i += MEMBER_CHUNK) {
      const inserted = await tx
        .insertInto('members')
        .values(memberRows(conversationId, wanted.slice(i, i + MEMBER_CHUNK), at, Number(exists.last_seq)))
        // Existing members keep their role and cursors.
        .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
        .returning('user_id')
        .execute();
      for (const row of inserted) added.add(row.user_id);
      await restoreRestrictions(
        tx,
        conversationId,
        inserted.map((row) => row.user_id),
      );
    }
    if (added.size > 0) {
      await tx
        .updateTable('conversations')
        .set((eb) => ({ member_count: eb('member_count', '+', added.size) }))
        .where('id', '=', conversationId)
        .execute();
    }
    return wanted.map((member) => member.userId).filter((id) => added.has(id));
  });
}

/** Gives rejoining members the mute and slow-mode clock they left with. */
async function restoreRestrictions(tx: Db, conversationId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const saved = await tx
    .selectFrom('member_restrictions')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', 'in', userIds)
    .execute();
  for (const row of saved) {
    await tx
      .updateTable('members')
      .set({ muted_until: row.muted_until, last_post_at: row.last_post_at })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', row.user_id)
      .execute();
  }
  if (saved.length > 0) {
    await tx
      .deleteFrom('member_restrictions')
      .where('conversation_id', '=', conversationId)
      .where(
        'user_id',
        'in',
        saved.map((row) => row.user_id),
      )
      .execute();
  }
}

export async function removeMember(db: Db, conversationId: string, userId: string): Promise<boolean> {
  return atomic(db, async (tx) => {
    const removed = await tx
      .deleteFrom('members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .returning(['muted_until', 'last_post_at'])
      .executeTakeFirst();
    if (!removed) return false;
    if (removed.muted_until !== null || removed.last_post_at !== null) {
      const restriction = { muted_until: removed.muted_until, last_post_at: removed.last_post_at };
      await tx
        .insertInto('member_restrictions')
        .values({ conversation_id: conversationId, user_id: userId, ...restriction })
        .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doUpdateSet(restriction))
        .execute();
    }
    await tx
      .updateTable('conversations')
      .set((eb) => ({ member_count: eb('member_count', '-', 1) }))
      .where('id', '=', conversationId)
      .execute();
    return true;
  });
}

export async function setMemberRole(db: Db, conversationId: string, userId: string, role: Role): Promise<void> {
  await db
    .updateTable('members')
    .set({ role })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setMemberMute(
  db: Db,
  conversationId: string,
  userId: string,
  until: number | null,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ muted_until: until })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setNotifyLevel(
  db: Db,
  conversationId: string,
  userId: string,
  level: NotifyLevel,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ notify_level: level })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

export async function setMarkedUnread(
  db: Db,
  conversationId: string,
  userId: string,
  seq: number | null,
): Promise<void> {
  await db
    .updateTable('members')
    .set({ marked_unread_seq: seq })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

/** The exact count, from the maintained column (0 for an unknown conversation). */
export async function countMembers(db: Db, conversationId: string): Promise<number> {
  const row = await db
    .selectFrom('conversations')
    .select('member_count')
    .where('id', '=', conversationId)
    .executeTakeFirst();
  return row ? Number(row.member_count) : 0;
}

/** Members by user id, after the cursor (the last user id of the previous page). */
export async function listMembers(
  db: Db,
  conversationId: string,
  options: { cursor?: string; limit: number },
): Promise<Page<Member>> {
  const limit = Math.max(1, Math.trunc(options.limit));
  let query = db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('user_id')
    .limit(limit + 1);
  if (options.cursor !== undefined) query = query.where('user_id', '>', options.cursor);
  const rows = await query.execute();
  const items = rows.slice(0, limit).map(toMember);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? last.userId : null };
}

export async function listMembersWithRoles(db: Db, conversationId: string, roles: readonly Role[]): Promise<string[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectFrom('members')
    .select('user_id')
    .where('conversation_id', '=', conversationId)
    .where('role', 'in', [...roles])
    .orderBy('user_id')
    .execute();
  return rows.map((row) => row.user_id);
}

/** Rank order of domain/permissions.ts nextOwner: role first, then the earliest to join, then user id. */
export async function findHeir(db: Db, conversationId: string, exceptUserId: string): Promise<Member | undefined> {
  const row = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '!=', exceptUserId)
    .orderBy(
      sql`case role when 'owner' then 0 when 'admin' then 1 when 'moderator' then 2 when 'member' then 3 else 4 end`,
    )
    .orderBy('joined_at')
    .orderBy('user_id')
    .limit(1)
    .executeTakeFirst();
  return row && toMember(row);
}

export async function listConversationIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select('members.conversation_id')
    .where('members.user_id', '=', userId)
    .where('conversations.deleted_at', 'is', null)
    .orderBy('members.conversation_id')
    .execute();
  return rows.map((row) => row.conversation_id);
}

/**
 * Where each of the user's memberships among `conversationIds` starts (see
 * `members.start_seq`); conversations the user is not a member of are absent.
 */
export async function listMembershipStarts(
  db: Db,
  userId: string,
  conversationIds: readonly string[],
): Promise<Map<string, number>> {
  const starts = new Map<string, number>();
  if (conversationIds.length === 0) return starts;
  const rows = await db
    .selectFrom('members')
    .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
    .select(['members.conversation_id', 'members.start_seq'])
    .where('members.user_id', '=', userId)
    .where('members.conversation_id', 'in', [...new Set(conversationIds)])
    .where('conversations.deleted_at', 'is', null)
    .execute();
  for (const row of rows) starts.set(row.conversation_id, Number(row.start_seq));
  return starts;
}

/**
 * Co-members of `userId` in direct and group conversations (channel co-members are
 * strangers), optionally only where one side took part: `mine` (`userId` took part),
 * `theirs` (the co-member did).
 */
async function partners(db: Db, userId: string, tookPart?: 'mine' | 'theirs'): Promise<string[]> {
  let query = db
    .selectFrom('members as mine')
    .innerJoin('conversations', 'conversations.id', 'mine.conversation_id')
    .innerJoin('members as other', 'other.conversation_id', 'mine.conversation_id')
    .select('other.user_id')
    .distinct()
    .where('mine.user_id', '=', userId)
    .where('conversations.kind', 'in', ['direct', 'group'])
    .where('conversations.deleted_at', 'is', null)
    .where('other.user_id', '!=', userId);
  if (tookPart === 'mine') query = query.where('mine.took_part_at', 'is not', null);
  if (tookPart === 'theirs') query = query.where('other.took_part_at', 'is not', null);
  const rows = await query.orderBy('other.user_id').execute();
  return rows.map((row) => row.user_id);
}

/** Co-members in direct and group conversations only: channel co-members are strangers. */
export function listConversationPartners(db: Db, userId: string): Promise<string[]> {
  return partners(db, userId);
}

/**
 * Co-members in the direct and group conversations where `userId` took part: who their
 * presence may reach (services/audience.ts applies blocks and privacy settings).
 */
export function listPartnersWhereTookPart(db: Db, userId: string): Promise<string[]> {
  return partners(db, userId, 'mine');
}

/** Co-members who took part in a direct or group conversation `userId` is in: whose presence may reach them. */
export function listPartnersWhoTookPart(db: Db, userId: string): Promise<string[]> {
  return partners(db, userId, 'theirs');
}

/** `<memberCount>:<id>` of the last listing: the directory is ordered by members (desc), then id. */
function parseDirectoryCursor(cursor: string | undefined): { count: number; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const at = cursor.indexOf(':');
  const count = Number(cursor.slice(0, at));
  if (at < 1 || !Number.isSafeInteger(count)) throw new AppError('bad_request', 'The cursor is not valid.');
  return { count, id: cursor.slice(at + 1) };
}

/** `%` and `_` in the query are matched literally. */
function likePattern(query: string): string {
  return `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listPublicChannels(
  db: Db,
  viewerId: string,
  options: { query?: string; cursor?: string; limit: number },
): Promise<Page<ChannelListing>> {
  const limit = Math.max(1, Math.trunc(options.limit));
  const after = parseDirectoryCursor(options.cursor);
  let query = db
    .selectFrom('conversations')
    .leftJoin('members', (join) =>
      join.onRef('members.conversation_id', '=', 'conversations.id').on('members.user_id', '=', viewerId),
    )
    .select([
      'conversations.id',
      'conversations.title',
      'conversations.topic',
      'conversations.description',
      'conversations.post_policy',
      'conversations.member_count',
      'conversations.last_activity_at',
      'members.user_id as viewer',
    ])
    .where('conversations.kind', '=', 'channel')
    .where('conversations.visibility', '=', 'public')
    // Archived channels stay for their members but take no one new: not in the directory.
    .where('conversations.deleted_at', 'is', null)
    .where('conversations.archived_at', 'is', null)
    .orderBy('conversations.member_count', 'desc')
    .orderBy('conversations.id')
    .limit(limit + 1);
  const text = options.query?.trim();
  if (text) {
    const pattern = likePattern(text);
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(${eb.ref('conversations.title')}) like ${pattern} escape '\\'`,
        sql<boolean>`lower(${eb.ref('conversations.topic')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('conversations.member_count', '<', after.count),
        eb.and([eb('conversations.member_count', '=', after.count), eb('conversations.id', '>', after.id)]),
      ]),
    );
  }
  const rows = await query.execute();
  const items: ChannelListing[] = rows.slice(0, limit).map((row) => ({
    id: row.id,
    title: row.title,
    topic: row.topic,
    description: row.description,
    postPolicy: row.post_policy,
    memberCount: Number(row.member_count),
    lastActivityAt: row.last_activity_at,
    joined: row.viewer !== null,
  }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? `${last.memberCount}:${last.id}` : null };
}

/** Stored room nicknames (XEP-0045) of these members; members without one are absent. */
export async function roomNicks(
  db: Db,
  conversationId: string,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('members')
      .select(['user_id', 'nick'])
      .where('conversation_id', '=', conversationId)
      .where('user_id', 'in', unique.slice(i, i + 500))
      .where('nick', 'is not', null)
      .execute();
    for (const row of rows) if (row.nick !== null) found.set(row.user_id, row.nick);
  }
  return found;
}

/** The member whose stored nickname folds to `fold`, if any. */
export async function roomNickHolder(db: Db, conversationId: string, fold: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('members')
    .select('user_id')
    .where('conversation_id', '=', conversationId)
    .where('nick_fold', '=', fold)
    .executeTakeFirst();
  return row?.user_id;
}

/**
 * Sets (or, with null, clears) a member's room nickname. 'taken' when another
 * member holds the same fold (the unique index decides, also between nodes);
 * 'not_member' when there is no such member.
 */
export async function setRoomNick(
  ctx: QueryContext,
  conversationId: string,
  userId: string,
  nick: { nick: string; fold: string } | null,
): Promise<'set' | 'taken' | 'not_member'> {
  try {
    const result = await recoverable(ctx.db, (db) =>
      db
        .updateTable('members')
        .set({ nick: nick?.nick ?? null, nick_fold: nick?.fold ?? null })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0 ? 'set' : 'not_member';
  } catch (error) {
    if (ctx.dialect.isUniqueViolation(error)) return 'taken';
    throw error;
  }
}
