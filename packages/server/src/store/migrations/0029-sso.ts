/**
 * Single sign-on (issue 19, ADR 0023).
 *
 * - sso_identities: an OpenID Connect identity `(issuer, subject)` and the account it
 *   logs into; the pair is the key (an identity is never found by e-mail address).
 * - sso_tickets: short-lived, single-use tickets of a login in progress, keyed by the
 *   SHA-256 of their secret: `state` rows hold the nonce and PKCE verifier sent with
 *   the authorization request, `code` rows the finished login the web app exchanges.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function ssoMigration(dialect: StoreDialect): Migration {
  const { key, int64 } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sso_identities')
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('last_login_at', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('sso_identities_pk', ['issuer', 'subject'])
        .execute();
      await db.schema.createIndex('sso_identities_user_idx').on('sso_identities').column('user_id').execute();
      await db.schema
        .createTable('sso_tickets')
        .addColumn('id_hash', key, (c) => c.primaryKey())
        .addColumn('kind', key, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('expires_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sso_tickets_expires_idx').on('sso_tickets').column('expires_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('sso_tickets')}`.execute(db);
      await sql`drop table if exists ${sql.table('sso_identities')}`.execute(db);
    },
  };
}
