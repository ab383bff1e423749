/**
 * What the owner of a contact calls it: a nickname (null: none) and the groups the
 * contact is filed under (a JSON array of names, `[]`: none). The XMPP roster's
 * `name` and `<group/>`s (RFC 6121 2.1.2) are these same two fields.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function contactDetailsMigration(_dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('contacts').addColumn('nickname', 'text').execute();
      await db.schema
        .alterTable('contacts')
        .addColumn('group_names', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`alter table ${sql.table('contacts')} drop column ${sql.ref('group_names')}`.execute(db);
      await sql`alter table ${sql.table('contacts')} drop column ${sql.ref('nickname')}`.execute(db);
    },
  };
}
