/**
 * SCRAM credentials (RFC 5802, RFC 7677) for the XMPP listener: per user and
 * mechanism, the salt, the iteration count and the two derived keys. The server
 * never stores anything a client could log in with: StoredKey and ServerKey are
 * one-way derivations of the salted password. Accounts created before this
 * migration have no rows here; they get them at their next password login or
 * password change (services/accounts.ts).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function scramMigration(dialect: StoreDialect): Migration {
  const { key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('scram_credentials')
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('mechanism', key, (c) => c.notNull())
        .addColumn('iterations', 'integer', (c) => c.notNull())
        // base64 text in both dialects: no bytea/blob difference to map.
        .addColumn('salt', 'text', (c) => c.notNull())
        .addColumn('stored_key', 'text', (c) => c.notNull())
        .addColumn('server_key', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('scram_credentials_pk', ['user_id', 'mechanism'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('scram_credentials')}`.execute(db);
    },
  };
}
