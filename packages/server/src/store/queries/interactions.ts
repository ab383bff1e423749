/**
 * Bot commands and interactions (0025). A status change is one conditional UPDATE, so an
 * answer and the deadline's timeout can never both win.
 */
import type { BotCommand, InteractionStatus } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { InteractionRecord } from '../../ports/interaction-records';
import type { Database, InteractionsTable } from '../db-schema';

export async function setBotCommands(
  db: Kysely<Database>,
  botId: string,
  commands: readonly BotCommand[],
  at: number,
): Promise<void> {
  await db.deleteFrom('bot_commands').where('bot_id', '=', botId).execute();
  if (commands.length === 0) return;
  await db
    .insertInto('bot_commands')
    .values(
      commands.map((command) => ({
        bot_id: botId,
        name: command.name,
        description: command.description,
        options: JSON.stringify(command.options),
        updated_at: at,
      })),
    )
    .execute();
}

export async function listCommandsOfBots(
  db: Kysely<Database>,
  botIds: readonly string[],
): Promise<{ botId: string; command: BotCommand }[]> {
  if (botIds.length === 0) return [];
  const rows = await db
    .selectFrom('bot_commands')
    .selectAll()
    .where('bot_id', 'in', [...botIds])
    .orderBy('name')
    .orderBy('bot_id')
    .execute();
  return rows.map((row) => ({
    botId: row.bot_id,
    command: {
      name: row.name,
      description: row.description,
      options: JSON.parse(row.options) as BotCommand['options'],
    },
  }));
}

function toRecord(row: InteractionsTable): InteractionRecord {
  return {
    id: row.id,
    kind: row.kind,
    botId: row.bot_id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    data: JSON.parse(row.data) as InteractionRecord['data'],
    status: row.status,
    deadlineAt: Number(row.deadline_at),
    expiresAt: Number(row.expires_at),
    reply: row.reply === null ? null : (JSON.parse(row.reply) as { text: string }),
    createdAt: Number(row.created_at),
  };
}

export async function createInteraction(db: Kysely<Database>, record: InteractionRecord): Promise<void> {
  await db
    .insertInto('interactions')
    .values({
      id: record.id,
      kind: record.kind,
      bot_id: record.botId,
      user_id: record.userId,
      conversation_id: record.conversationId,
      message_id: record.messageId,
      data: JSON.stringify(record.data),
      status: record.status,
      deadline_at: record.deadlineAt,
      expires_at: record.expiresAt,
      reply: record.reply === null ? null : JSON.stringify(record.reply),
      created_at: record.createdAt,
    })
    .execute();
}

export async function getInteraction(db: Kysely<Database>, id: string): Promise<InteractionRecord | undefined> {
  const row = await db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function transitionInteraction(
  db: Kysely<Database>,
  id: string,
  from: readonly InteractionStatus[],
  to: InteractionStatus,
  patch: { reply?: { text: string }; expiresAt?: number },
): Promise<boolean> {
  const result = await db
    .updateTable('interactions')
    .set({
      status: to,
      ...(patch.reply === undefined ? {} : { reply: JSON.stringify(patch.reply) }),
      ...(patch.expiresAt === undefined ? {} : { expires_at: patch.expiresAt }),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function pruneInteractions(db: Kysely<Database>, before: number, limit: number): Promise<number> {
  const ids = db.selectFrom('interactions').select('id').where('expires_at', '<', before).limit(limit);
  const result = await db.deleteFrom('interactions').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The bots that are members of the conversation, with their usernames (for the command list). */
export async function listBotMembers(
  db: Kysely<Database>,
  conversationId: string,
): Promise<{ id: string; username: string }[]> {
  return db
    .selectFrom('members')
    .innerJoin('users', 'users.id', 'members.user_id')
    .select(['users.id as id', 'users.username as username'])
    .where('members.conversation_id', '=', conversationId)
    .where('users.bot', '=', 1)
    .orderBy('users.username')
    .execute();
}
