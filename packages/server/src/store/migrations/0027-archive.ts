/**
 * Archived and deleted groups and channels (issue 13, docs/adr/0020):
 * - `conversations.archived_at`: set while the conversation is archived (read-only for
 *   everyone, still readable by its members); null: not archived;
 * - `conversations.deleted_at`: set when it is deleted. From that commit on every read
 *   treats it as gone; the `conversation.purge` job then erases its rows in batches and
 *   finally the row itself, so a deleted conversation never lingers with this set.
 */
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function archiveMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').addColumn('archived_at', dialect.types.int64).execute();
      await db.schema.alterTable('conversations').addColumn('deleted_at', dialect.types.int64).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').dropColumn('deleted_at').execute();
      await db.schema.alterTable('conversations').dropColumn('archived_at').execute();
    },
  };
}
