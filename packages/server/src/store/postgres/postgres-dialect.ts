/**
 * What is particular to PostgreSQL for the shared store code: 64-bit integers
 * are BIGINT (returned as numbers by our pool, see create-postgres-db.ts), and
 * constraint errors carry SQLSTATE 23505, and each deployment has its own schema.
 */
import { sql } from 'kysely';
import type { StoreDialect } from '../dialect';
import { postgresSearch } from './postgres-search';

const UNIQUE_VIOLATION = '23505';

/** The dialect for a store living in `schema` (one per deployment). */
export function postgresDialect(schema: string): StoreDialect {
  return {
    name: 'postgres',
    migrationSchema: schema,
    // The "C" collation compares bytes, like SQLite; locale collations ignore punctuation.
    types: { int64: 'bigint', key: sql`text collate "C"` },
    search: postgresSearch,
    reclaim() {
      // Dead tuples are reclaimed by (auto)VACUUM, which cannot run inside the store's
      // transactions; docs/operations.md says what it does and when.
      return Promise.resolve({ walCheckpointed: false, walBusy: false });
    },
    isUniqueViolation(error: unknown): boolean {
      return error instanceof Error && 'code' in error && error.code === UNIQUE_VIOLATION;
    },
  };
}
