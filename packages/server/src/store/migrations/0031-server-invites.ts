/**
 * Server invites (issue 19, ADR 0025): while registration is `invite`, a sign-up needs
 * one of these codes. Only the SHA-256 of a code is kept (`code_hash`, unique): the
 * code is shown once, to the admin who made it. `uses` is counted by one conditional
 * UPDATE, so concurrent sign-ups never pass `max_uses`.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function serverInvitesMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('server_invites')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('code_hash', key, (c) => c.notNull().unique())
        .addColumn('created_by', key)
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('expires_at', int64)
        .addColumn('max_uses', int64)
        .addColumn('uses', int64, (c) => c.notNull().defaultTo(0))
        .addColumn('revoked_at', int64)
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.createIndex('server_invites_created_idx').on('server_invites').column('created_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('server_invites')}`.execute(db);
    },
  };
}
