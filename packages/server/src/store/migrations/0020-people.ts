/**
 * People and groups you can change (issue 13):
 * - `users.deleted_at`, set when the owner deletes the account. The row stays (messages
 *   keep their sender, the username stays taken so that nobody can take it over and pass
 *   for the old owner); the profile is wiped and the account can no longer log in, be
 *   found or be added (services/accounts.ts);
 * - `conversations.avatar_url`, a group's or channel's picture (null: none).
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function peopleMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('deleted_at', dialect.types.int64).execute();
      await db.schema.alterTable('conversations').addColumn('avatar_url', 'text').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').dropColumn('avatar_url').execute();
      await db.schema.alterTable('users').dropColumn('deleted_at').execute();
    },
  };
}
