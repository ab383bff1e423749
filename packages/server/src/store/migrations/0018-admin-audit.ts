/**
 * Server administration, the audit log and two-factor authentication (issue 19).
 *
 * - users.admin_since: when the account became a server admin (null: not one);
 *   users.deactivated_at: when an admin deactivated it (null: active).
 * - store_meta `first_admin`: written once, by whoever creates the first account of
 *   a fresh store (that account becomes admin). A store that already has accounts
 *   gets the row here, so that upgrading never makes the next sign-up an admin.
 * - server_settings: settings an admin changes at run time (registration policy,
 *   2FA required for admins), one row per key, JSON values.
 * - audit_log: append-only entries, each with the SHA-256 of the previous entry's
 *   hash and its own canonical encoding (domain/audit-entry.ts, docs/adr/0012);
 *   audit_head: one row (id 1) with the last seq and hash. Every append updates it
 *   first, in the same transaction, so that appends are serialized by the database
 *   (on every node of a cluster) and the chain never forks.
 * - two_factor: a TOTP secret per account (enabled_at null: set up, not confirmed),
 *   with the last time step used (replays refused); recovery_codes: SHA-256 of each
 *   single-use code; login_challenges: SHA-256 of the short-lived challenge handed
 *   out between the password and the second factor.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

/** prev_hash of the first entry. */
export const AUDIT_GENESIS = '0'.repeat(64);

export function adminAuditMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('users').addColumn('admin_since', int64).execute();
      await db.schema.alterTable('users').addColumn('deactivated_at', int64).execute();
      await sql`insert into ${sql.table('store_meta')} (key, value) select 'first_admin', 'existing-accounts' where exists (select 1 from ${sql.table('users')})`.execute(
        db,
      );
      await db.schema
        .createTable('server_settings')
        .addColumn('key', key, (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', int64, (c) => c.primaryKey())
        .addColumn('at', int64, (c) => c.notNull())
        .addColumn('actor_id', key)
        .addColumn('actor_name', 'text')
        .addColumn('action', key, (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('address', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'seq']).execute();
      await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'seq']).execute();
      await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at']).execute();
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', int64, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into ${sql.table('audit_head')} (id, seq, hash) values (1, 0, ${AUDIT_GENESIS})`.execute(db);
      await db.schema
        .createTable('two_factor')
        .addColumn('user_id', key, (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('enabled_at', int64)
        .addColumn('last_step', int64, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('code_hash', key, (c) => c.notNull())
        .addColumn('used_at', int64)
        .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
        .execute();
      await db.schema
        .createTable('login_challenges')
        .addColumn('id_hash', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('device_name', 'text', (c) => c.notNull())
        .addColumn('expires_at', int64, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'login_challenges',
        'recovery_codes',
        'two_factor',
        'audit_head',
        'audit_log',
        'server_settings',
      ]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
      await sql`delete from ${sql.table('store_meta')} where key = 'first_admin'`.execute(db);
      await db.schema.alterTable('users').dropColumn('deactivated_at').execute();
      await db.schema.alterTable('users').dropColumn('admin_since').execute();
    },
  };
}
