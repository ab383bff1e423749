/**
 * The initial schema: accounts, sessions, contacts, blocks, conversations,
 * members and messages. Written once for both dialects; the only difference (the
 * 64-bit integer type, the byte-wise collation of keys) comes from the StoreDialect. Never edit a migration that
 * has shipped: add a new one.
 *
 * messages.sender_id has no foreign key on purpose: system and bot senders, and
 * retention of messages from deleted accounts, must stay possible.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function initialMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('users')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('username', key, (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('avatar_url', 'text')
        .addColumn('status_text', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('last_seen_at', int64)
        .addUniqueConstraint('users_username_unique', ['username'])
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', key, (c) => c.notNull())
        .addColumn('device_name', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('last_seen_at', int64, (c) => c.notNull())
        .addColumn('expires_at', int64, (c) => c.notNull())
        .addUniqueConstraint('sessions_token_hash_unique', ['token_hash'])
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id', 'created_at']).execute();

      await db.schema
        .createTable('contacts')
        .addColumn('owner_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('contact_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('contacts_pk', ['owner_id', 'contact_id'])
        .execute();
      // listContactOwners looks contacts up from the other side.
      await db.schema.createIndex('contacts_contact_idx').on('contacts').column('contact_id').execute();

      await db.schema
        .createTable('blocks')
        .addColumn('owner_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('blocked_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('blocks_pk', ['owner_id', 'blocked_id'])
        .execute();

      await db.schema
        .createTable('conversations')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        // NULL for groups; both dialects allow many NULLs under a unique constraint.
        .addColumn('direct_key', key)
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('last_seq', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('last_activity_at', int64, (c) => c.notNull())
        .addUniqueConstraint('conversations_direct_key_unique', ['direct_key'])
        .execute();

      await db.schema
        .createTable('members')
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', int64, (c) => c.notNull())
        .addColumn('read_seq', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('delivered_seq', int64, (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema.createIndex('members_user_idx').on('members').columns(['user_id', 'conversation_id']).execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', int64, (c) => c.notNull())
        .addColumn('sender_id', key, (c) => c.notNull())
        .addColumn('client_id', key, (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        // The seq key also serves history paging and the last-message lookup.
        .addUniqueConstraint('messages_conversation_seq_unique', ['conversation_id', 'seq'])
        // Idempotent send (P6): one message per (sender, client id).
        .addUniqueConstraint('messages_sender_client_unique', ['sender_id', 'client_id'])
        .execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['messages', 'members', 'conversations', 'blocks', 'contacts', 'sessions', 'users']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  };
}
