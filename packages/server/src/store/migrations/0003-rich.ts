/**
 * Rich conversations (issue 4): channels (visibility, post policy, topic, slow mode,
 * a maintained member count), roles with moderation (mutes, bans, reports, invite links),
 * per-member settings (notification level, marked unread, last post time for slow mode),
 * and the message features: update entries in the sequence (`kind`), threads, replies,
 * forwards, mentions, edits, tombstones, pins and reactions.
 *
 * Large channels stay cheap: a post writes the message, bumps the conversation and the
 * poster's member row, and one mention row per mentioned user; @here/@channel are a flag
 * (`mention_all`), never a row per member. Read state stays a per-member cursor.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

type Build = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

export function richMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  type DataType = typeof int64 | typeof key | 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const add = async (table: string, column: string, type: DataType, build?: Build): Promise<void> => {
        await db.schema
          .alterTable(table)
          .addColumn(column, type, build ?? ((c) => c))
          .execute();
      };
      const notNull =
        (value: string | number): Build =>
        (c) =>
          c.notNull().defaultTo(value);

      await add('conversations', 'topic', 'text');
      await add('conversations', 'description', 'text');
      await add('conversations', 'visibility', 'text', notNull('private'));
      await add('conversations', 'post_policy', 'text', notNull('everyone'));
      await add('conversations', 'slow_mode_seconds', int64, notNull(0));
      await add('conversations', 'member_count', int64, notNull(0));
      // The seq of the last message or system change: the conversation list's preview.
      await add('conversations', 'last_message_seq', int64, notNull(0));

      await add('members', 'muted_until', int64);
      await add('members', 'notify_level', 'text', notNull('all'));
      await add('members', 'marked_unread_seq', int64);
      await add('members', 'last_post_at', int64);

      // 'message' | 'system' | 'update': only 'message' counts as unread.
      await add('messages', 'kind', 'text', notNull('message'));
      await add('messages', 'thread_id', key);
      await add('messages', 'reply_to', 'text');
      await add('messages', 'forwarded_from', 'text');
      await add('messages', 'mentions', 'text');
      await add('messages', 'mention_all', int64, notNull(0));
      await add('messages', 'rev', int64);
      await add('messages', 'edited_at', int64);
      await add('messages', 'deleted_at', int64);
      await add('messages', 'pinned_at', int64);
      await add('messages', 'pinned_by', key);
      await add('messages', 'thread_reply_count', int64, notNull(0));
      await add('messages', 'thread_last_reply_at', int64);
      await add('messages', 'thread_last_reply_seq', int64, notNull(0));

      // Backfill what earlier versions wrote.
      await sql`update messages set kind = 'system' where content like '{"type":"system"%'`.execute(db);
      await sql`update conversations set member_count = (select count(*) from members where members.conversation_id = conversations.id)`.execute(
        db,
      );
      await sql`update conversations set last_message_seq = last_seq`.execute(db);

      await db.schema
        .createIndex('messages_thread_idx')
        .on('messages')
        .columns(['thread_id', 'seq'])
        .where(sql.ref('thread_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('messages_pinned_idx')
        .on('messages')
        .columns(['conversation_id', 'pinned_at'])
        .where(sql.ref('pinned_at'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('conversations_directory_idx')
        .on('conversations')
        .columns(['visibility', 'kind', 'id'])
        .execute();

      await db.schema
        .createTable('message_mentions')
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', int64, (c) => c.notNull())
        .addColumn('message_id', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('message_mentions_pk', ['user_id', 'conversation_id', 'seq'])
        .execute();
      await db.schema.createIndex('message_mentions_message_idx').on('message_mentions').column('message_id').execute();

      await db.schema
        .createTable('reactions')
        .addColumn('message_id', key, (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('emoji', key, (c) => c.notNull())
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'emoji', 'user_id'])
        .execute();
      await db.schema.createIndex('reactions_user_idx').on('reactions').columns(['user_id', 'message_id']).execute();

      await db.schema
        .createTable('thread_participants')
        .addColumn('root_id', key, (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key, (c) => c.notNull())
        .addColumn('joined_at', int64, (c) => c.notNull())
        .addColumn('read_seq', int64, (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('thread_participants_pk', ['root_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('thread_participants_user_idx')
        .on('thread_participants')
        .columns(['user_id', 'conversation_id'])
        .execute();

      await db.schema
        .createTable('bans')
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('banned_by', key, (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('expires_at', int64)
        .addPrimaryKeyConstraint('bans_pk', ['conversation_id', 'user_id'])
        .execute();

      await db.schema
        .createTable('reports')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('message_id', key, (c) => c.notNull())
        .addColumn('reporter_id', key, (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('resolved_at', int64)
        .addColumn('resolved_by', key)
        // One report per reporter and message: a repeat answers with the first.
        .addUniqueConstraint('reports_message_reporter_unique', ['message_id', 'reporter_id'])
        .execute();
      await db.schema
        .createIndex('reports_conversation_idx')
        .on('reports')
        .columns(['conversation_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('invites')
        .addColumn('code', key, (c) => c.primaryKey())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('created_by', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('expires_at', int64)
        .addColumn('max_uses', int64)
        .addColumn('uses', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('revoked', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('invites_conversation_idx')
        .on('invites')
        .columns(['conversation_id', 'created_at'])
        .execute();

      // A muted member (or one waiting out slow mode) who leaves keeps that state here, and
      // gets it back on rejoining: leaving and rejoining must not lift a mute.
      await db.schema
        .createTable('member_restrictions')
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('muted_until', int64)
        .addColumn('last_post_at', int64)
        .addPrimaryKeyConstraint('member_restrictions_pk', ['conversation_id', 'user_id'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'member_restrictions',
        'invites',
        'reports',
        'bans',
        'thread_participants',
        'reactions',
        'message_mentions',
      ]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  };
}
