/**
 * The counters of the shared rate limits (rate-limit/rate-limiter-postgres.ts):
 * one row per rule and key (`auth:<address>`, `membership:<user id>`) with the
 * points taken in the current window and when that window ends (epoch ms). The
 * column names and types are the ones rate-limiter-flexible's PostgreSQL limiter
 * reads and writes. Created on both dialects so that their schemas stay alike; a
 * single SQLite node keeps its limits in memory and never writes here.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function rateLimitsMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', dialect.types.int64)
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('rate_limits')}`.execute(db);
    },
  };
}
