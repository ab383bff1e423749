/**
 * What is particular to SQLite for the shared store code: 64-bit integers are
 * plain INTEGER, and constraint errors carry SQLite's extended result code, as a
 * name (better-sqlite3: `code`) or a number (node:sqlite: `errcode`).
 */
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
  isUniqueViolation(error: unknown): boolean {
    // Duck-typed: a second copy of a driver would defeat instanceof.
    if (!(error instanceof Error)) return false;
    if ('code' in error && typeof error.code === 'string' && UNIQUE_CODES.has(error.code)) return true;
    return 'errcode' in error && typeof error.errcode === 'number' && UNIQUE_ERRCODES.has(error.errcode);
  },
};
