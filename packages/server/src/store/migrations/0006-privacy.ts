/**
 * Privacy and safety (issue 10).
 *
 * - `members.took_part_at`: when the member first took part in the conversation by their
 *   own action (posted, created it, joined a channel or accepted an invite); null while
 *   they have only been added by someone else, or have not yet written in a direct
 *   conversation someone else opened. A person's presence goes to the members of the
 *   direct and group conversations where they took part (services/audience.ts), so a
 *   stranger who adds them learns nothing.
 * - `users.presence_visibility`: who sees the user's online status and last seen
 *   (`everyone`: the audience above; `contacts`: only people they added; `nobody`).
 * - an index on `blocks.blocked_id`: "who blocked me" is read on every presence
 *   decision and on every typing indicator and receipt.
 *
 * Existing data: took_part_at is the time of the member's first message, or of the
 * `created` / `member.joined` system entry they wrote, whichever came first. Direct
 * conversations recorded no creator, so there only a message counts.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function privacyMigration(dialect: StoreDialect): Migration {
  const { int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').addColumn('took_part_at', int64).execute();
      await db.schema
        .alterTable('users')
        .addColumn('presence_visibility', 'text', (c) => c.notNull().defaultTo('everyone'))
        .execute();
      await db.schema.createIndex('blocks_blocked_idx').on('blocks').column('blocked_id').execute();

      // One pass over the messages (grouped), not one subquery per member row: a channel
      // may have 100,000 members. UPDATE ... FROM is in both PostgreSQL and SQLite (3.33+).
      await sql`
        update members set took_part_at = firsts.first_at
        from (
          select conversation_id, sender_id, min(created_at) as first_at
          from messages
          where kind = 'message'
             or content like '{"type":"system","action":"created"%'
             or content like '{"type":"system","action":"member.joined"%'
          group by conversation_id, sender_id
        ) as firsts
        where members.conversation_id = firsts.conversation_id and members.user_id = firsts.sender_id
      `.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('blocks_blocked_idx').ifExists().execute();
      await db.schema.alterTable('users').dropColumn('presence_visibility').execute();
      await db.schema.alterTable('members').dropColumn('took_part_at').execute();
    },
  };
}
