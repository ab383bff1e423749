/**
 * Room nicknames (XEP-0045): a member's nickname in a group or channel, as XMPP
 * occupants choose it when they join `room@conference.<domain>/<nick>` (null: the
 * username). `nick` is the nickname as shown; `nick_fold` its case-folded form
 * (domain/room-nick.ts: NFKC then lowercase), unique per conversation so that no
 * two members hold nicknames that differ only by case or compatibility form, on
 * every node of a cluster (the database decides, not a node).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function roomNicknamesMigration(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').addColumn('nick', 'text').execute();
      await db.schema.alterTable('members').addColumn('nick_fold', 'text').execute();
      // NULLs are distinct in a unique index on both dialects: members without a nickname never clash.
      await db.schema
        .createIndex('members_nick_fold')
        .unique()
        .on('members')
        .columns(['conversation_id', 'nick_fold'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop index if exists ${sql.id('members_nick_fold')}`.execute(db);
      await db.schema.alterTable('members').dropColumn('nick_fold').execute();
      await db.schema.alterTable('members').dropColumn('nick').execute();
    },
  };
}
