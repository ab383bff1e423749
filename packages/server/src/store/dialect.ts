/**
 * What differs between the SQL dialects, as seen by the dialect-agnostic code:
 * column types for migrations and the recognition of driver errors. The
 * implementations live in sqlite/ and postgres/; nothing outside those folders
 * may test which dialect it runs on.
 */
import type { ColumnDataType, Expression, Kysely } from 'kysely';
import type { ReclaimReport } from '../ports/retention-records';
import type { SearchQuery } from '../ports/store';
import type { Database } from './db-schema';

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
  /** Full-text search: SQLite FTS5 or PostgreSQL tsvector, behind one interface. */
  readonly search: SearchIndex;
  /**
   * After the retention job deleted rows: makes the database file stop holding them where the
   * dialect can from a connection (SQLite: checkpoint the WAL into the file and truncate it;
   * freed pages are already zeroed by `secure_delete`). PostgreSQL: nothing here, VACUUM
   * (autovacuum) reclaims dead tuples (docs/operations.md).
   */
  reclaim(db: Kysely<Database>): Promise<ReclaimReport>;
}

/**
 * The full-text index of message text. The store calls `put` when a text message is
 * appended or edited and `remove` when it is deleted, inside the same transaction, so
 * the index never shows a deleted or superseded text.
 */
export interface SearchIndex {
  /** Creates the index structures, empty (migrations 0003-search and 0008-search-segmentation). */
  create(db: Kysely<unknown>): Promise<void>;
  /** Makes deletes leave no trace in the index's pages (SQLite FTS5 `secure-delete`; PostgreSQL: nothing to do). */
  harden(db: Kysely<unknown>): Promise<void>;
  put(db: Kysely<Database>, messageId: string, text: string): Promise<void>;
  remove(db: Kysely<Database>, messageId: string): Promise<void>;
  /** Index entries of these messages (an erased conversation must leave none). */
  count(db: Kysely<Database>, messageIds: readonly string[]): Promise<number>;
  /** Ids of matching messages in the order asked for, the filters and membership applied. */
  query(db: Kysely<Database>, query: SearchQuery): Promise<string[]>;
}
