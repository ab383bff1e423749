/**
 * Changes to earlier messages: edits (a text, or a file message's caption), tombstones and pins. Each runs inside the
 * service's transaction, which has just appended the `update` entry whose seq is
 * passed here as `rev`, so the target row and the sequence change together.
 * Search entries follow the text in the same transaction.
 */
import type { Mentions, Message, MessageContent } from '@parley/protocol';
import { AppError } from '../../domain/errors';
import { encodeContent, encodeJson } from '../rows';
import type { QueryContext } from './context';
import { decorate } from './decorate';

type Db = QueryContext['db'];

async function target(db: Db, id: string): Promise<{ conversation_id: string; seq: number; content: string }> {
  const row = await db
    .selectFrom('messages')
    .select(['conversation_id', 'seq', 'content'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such message.');
  return row;
}

export async function editMessage(
  { db, dialect }: QueryContext,
  id: string,
  text: string,
  mentions: Mentions | undefined,
  at: number,
  rev: number,
): Promise<void> {
  const { conversation_id: conversationId, seq, content } = await target(db, id);
  // Written only by encodeContent. A file message's text is its caption: the file stays.
  const current = JSON.parse(content) as MessageContent;
  const edited: MessageContent = current.type === 'file' ? { ...current, caption: text } : { type: 'text', text };
  await db
    .updateTable('messages')
    .set({
      content: encodeContent(edited),
      mentions: encodeJson(mentions),
      mention_all: mentions?.here === true || mentions?.channel === true ? 1 : 0,
      edited_at: at,
      rev,
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('message_mentions').where('message_id', '=', id).execute();
  const userIds = [...new Set(mentions?.userIds ?? [])];
  if (userIds.length > 0) {
    await db
      .insertInto('message_mentions')
      .values(userIds.map((userId) => ({ user_id: userId, conversation_id: conversationId, seq, message_id: id })))
      .execute();
  }
  await dialect.search.put(db, id, text);
}

/**
 * The tombstone: content `{type:'deleted'}`; text, mentions, reactions, pin, link previews, the
 * quote and search entry go. Replies quoting it keep their reference but lose the
 * excerpt. A ReplyRef is stored as JSON that starts with its messageId, so the
 * replies are found by prefix among the later entries of the same conversation.
 */
export async function deleteMessage({ db, dialect }: QueryContext, id: string, at: number, rev: number): Promise<void> {
  const { conversation_id: conversationId, seq } = await target(db, id);
  await db
    .updateTable('messages')
    .set({
      content: encodeContent({ type: 'deleted' }),
      mentions: null,
      mention_all: 0,
      reply_to: null,
      forwarded_from: null,
      pinned_at: null,
      pinned_by: null,
      link_previews: null,
      deleted_at: at,
      rev,
    })
    .where('id', '=', id)
    .execute();
  await db.deleteFrom('message_mentions').where('message_id', '=', id).execute();
  await db.deleteFrom('reactions').where('message_id', '=', id).execute();
  await dialect.search.remove(db, id);
  const prefix = JSON.stringify({ messageId: id }).slice(0, -1);
  const replies = await db
    .selectFrom('messages')
    .select(['id', 'reply_to'])
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', seq)
    // Ids hold no '%'; an '_' matches any character, which the check below undoes.
    .where('reply_to', 'like', `${prefix},%`)
    .execute();
  for (const reply of replies) {
    if (!reply.reply_to) continue;
    const ref = JSON.parse(reply.reply_to) as { messageId: string; seq: number; senderId: string; excerpt: string };
    if (ref.messageId !== id) continue;
    await db
      .updateTable('messages')
      .set({ reply_to: JSON.stringify({ ...ref, excerpt: '' }) })
      .where('id', '=', reply.id)
      .execute();
  }
}

export async function setPinned(
  db: Db,
  id: string,
  pin: { at: number; by: string } | null,
  rev: number,
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ pinned_at: pin?.at ?? null, pinned_by: pin?.by ?? null, rev })
    .where('id', '=', id)
    .execute();
}

/** Most recently pinned first. */
export async function listPinned(db: Db, conversationId: string, limit: number): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('pinned_at', 'is not', null)
    .orderBy('pinned_at', 'desc')
    .orderBy('seq', 'desc')
    .limit(Math.max(0, Math.trunc(limit)))
    .execute();
  return decorate(db, rows);
}
