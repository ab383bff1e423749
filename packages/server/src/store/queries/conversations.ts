/**
 * Conversations and their members: creation (race-safe for direct pairs through
 * the direct_key unique key), lookup, membership changes and membership-derived
 * lists. No permission checks here: who may add or remove whom is a service rule.
 */
import type { Conversation, Member, Role } from '@parley/protocol';
import { AppError } from '../../domain/errors';
import type { NewConversation, NewMember } from '../../ports/store';
import { atomic } from '../atomic';
import { toConversation, toMember } from '../rows';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

/** The first entry per user wins, so a repeated id cannot trip the primary key. */
function uniqueMembers(members: readonly NewMember[]): NewMember[] {
  const byUser = new Map<string, NewMember>();
  for (const member of members) if (!byUser.has(member.userId)) byUser.set(member.userId, member);
  return [...byUser.values()];
}

/** Members of each conversation, in joining order (ties by user id). */
export async function membersOf(db: Db, conversationIds: readonly string[]): Promise<Map<string, Member[]>> {
  const byConversation = new Map<string, Member[]>(conversationIds.map((id) => [id, []]));
  if (conversationIds.length === 0) return byConversation;
  const rows = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', 'in', [...new Set(conversationIds)])
    .orderBy('conversation_id')
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  for (const row of rows) byConversation.get(row.conversation_id)?.push(toMember(row));
  return byConversation;
}

export async function getConversation(db: Db, id: string): Promise<Conversation | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const members = await membersOf(db, [row.id]);
  return toConversation(row, members.get(row.id) ?? []);
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
        })
        .execute();
      const rows = uniqueMembers(members).map((member) => ({
        conversation_id: conversation.id,
        user_id: member.userId,
        role: member.role,
        joined_at: conversation.createdAt,
        read_seq: 0,
        delivered_seq: 0,
      }));
      if (rows.length > 0) await tx.insertInto('members').values(rows).execute();
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

export async function getMember(db: Db, conversationId: string, userId: string): Promise<Member | undefined> {
  const row = await db
    .selectFrom('members')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row && toMember(row);
}

/** @throws AppError('not_found') when the conversation does not exist. */
export async function addMembers(
  db: Db,
  conversationId: string,
  members: readonly NewMember[],
  at: number,
): Promise<string[]> {
  const wanted = uniqueMembers(members);
  if (wanted.length === 0) return [];
  const exists = await db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst();
  if (!exists) throw new AppError('not_found', 'The conversation does not exist.');
  const inserted = await db
    .insertInto('members')
    .values(
      wanted.map((member) => ({
        conversation_id: conversationId,
        user_id: member.userId,
        role: member.role,
        joined_at: at,
        read_seq: 0,
        delivered_seq: 0,
      })),
    )
    // Existing members keep their role and cursors.
    .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
    .returning('user_id')
    .execute();
  const added = new Set(inserted.map((row) => row.user_id));
  return wanted.map((member) => member.userId).filter((id) => added.has(id));
}

export async function removeMember(db: Db, conversationId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('members')
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function setMemberRole(db: Db, conversationId: string, userId: string, role: Role): Promise<void> {
  await db
    .updateTable('members')
    .set({ role })
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .execute();
}

export async function countMembers(db: Db, conversationId: string): Promise<number> {
  const row = await db
    .selectFrom('members')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listConversationIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('members')
    .select('conversation_id')
    .where('user_id', '=', userId)
    .orderBy('conversation_id')
    .execute();
  return rows.map((row) => row.conversation_id);
}

export async function listConversationPartners(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('members as mine')
    .innerJoin('members as other', 'other.conversation_id', 'mine.conversation_id')
    .select('other.user_id')
    .distinct()
    .where('mine.user_id', '=', userId)
    .where('other.user_id', '!=', userId)
    .orderBy('other.user_id')
    .execute();
  return rows.map((row) => row.user_id);
}
