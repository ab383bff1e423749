/**
 * Favourites that follow the user (issue 13 item 8, docs/adr/0024): `members.favourite_position`
 * is the member's place in their own favourites (0 first, dense); null: not a favourite. It
 * lives on the member row, so leaving a conversation drops it from the favourites with it.
 * Favourites kept before in one browser's storage are moved here by the web app once.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function favouritesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').addColumn('favourite_position', dialect.types.int64).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('members').dropColumn('favourite_position').execute();
    },
  };
}
