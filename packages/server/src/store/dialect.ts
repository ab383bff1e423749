/**
 * What differs between the SQL dialects, as seen by the dialect-agnostic code:
 * column types for migrations and the recognition of driver errors. The
 * implementations live in sqlite/ and postgres/; nothing outside those folders
 * may test which dialect it runs on.
 */
import type { ColumnDataType, Expression } from 'kysely';

export interface StoreDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column types the shared migrations ask for. */
  readonly types: {
    /** Epoch milliseconds and per-conversation counters: 64-bit integers. */
    readonly int64: ColumnDataType;
    /**
     * Ids and usernames: text compared byte by byte, so that ORDER BY and keyset
     * paging agree across dialects whatever the database's locale.
     */
    readonly key: ColumnDataType | Expression<unknown>;
  };
  /**
   * Schema of Kysely's migration bookkeeping tables. Needed on PostgreSQL: without
   * it the Migrator finds those tables in any schema (another deployment's) and
   * never creates its own.
   */
  readonly migrationSchema?: string;
  /** True for a unique or primary-key violation raised by the driver. */
  isUniqueViolation(error: unknown): boolean;
}
