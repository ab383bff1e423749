/**
 * What is particular to SQLite for the shared store code: 64-bit integers are
 * plain INTEGER, and constraint errors carry SQLite's extended result code, as a
 * name (better-sqlite3: `code`) or a number (node:sqlite: `errcode`).
 */
import { sql } from 'kysely';
import type { StoreDialect } from '../dialect';
import { sqliteSearch } from './sqlite-search';

const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
/** SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY as numbers. */
const UNIQUE_ERRCODES = new Set([2067, 1555]);

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  // BINARY, SQLite's default collation, already compares bytes.
  types: { int64: 'integer', key: 'text' },
  search: sqliteSearch,
  async reclaim(db) {
    // Deleted rows are zeroed in their pages (secure_delete, open-store-file.ts), but the WAL
    // still holds the pages as they were until a checkpoint copies the new ones into the file;
    // TRUNCATE then empties the WAL file itself. Busy: a reader (another process) held it back.
    const { rows } = await sql<{ busy: number; log: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    const row = rows[0];
    return { walCheckpointed: row !== undefined && Number(row.log) >= 0, walBusy: Number(row?.busy ?? 0) !== 0 };
  },
  isUniqueViolation(error: unknown): boolean {
    // Duck-typed: a second copy of a driver would defeat instanceof.
    if (!(error instanceof Error)) return false;
    if ('code' in error && typeof error.code === 'string' && UNIQUE_CODES.has(error.code)) return true;
    return 'errcode' in error && typeof error.errcode === 'number' && UNIQUE_ERRCODES.has(error.errcode);
  },
};
