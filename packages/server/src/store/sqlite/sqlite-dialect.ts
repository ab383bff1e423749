/**
 * What is particular to SQLite for the shared store code: 64-bit integers are
 * plain INTEGER, and constraint errors come from better-sqlite3 as SqliteError
 * with an extended result code.
 */
import type { StoreDialect } from '../dialect';

const UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  // BINARY, SQLite's default collation, already compares bytes.
  types: { int64: 'integer', key: 'text' },
  isUniqueViolation(error: unknown): boolean {
    // Duck-typed: a second copy of better-sqlite3 would defeat instanceof.
    return error instanceof Error && 'code' in error && typeof error.code === 'string' && UNIQUE_CODES.has(error.code);
  },
};
