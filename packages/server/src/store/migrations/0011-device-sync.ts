/**
 * Delivery to every device (issue 10): each membership remembers where it starts in
 * its conversation's sequence. `members.start_seq` is the conversation's last seq
 * when the member row was written, so the member's first entry (the creation or
 * join system entry) is the first seq after it. `sync` starts a conversation that a
 * device with state does not hold from there, instead of from the delivered cursor
 * that another device of the same user may have moved.
 *
 * Memberships written before this migration start at their delivered cursor of
 * that moment: no earlier than what `sync` used for them until now, and exact
 * enough without a scan of every conversation's messages per member.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function deviceSyncMigration(dialect: StoreDialect): Migration {
  const { int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('members')
        .addColumn('start_seq', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await sql`update ${sql.table('members')} set ${sql.ref('start_seq')} = ${sql.ref('delivered_seq')}`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').dropColumn('start_seq').execute();
    },
  };
}
