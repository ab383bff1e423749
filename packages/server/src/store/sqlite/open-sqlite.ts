/**
 * The SQLite driver behind the store, chosen by Node version: Node's built-in
 * `node:sqlite` where it exists without a flag and has FTS5 (Node 22.16+, 24),
 * better-sqlite3 on Node 20 and on Node 22.13-22.15 (whose node:sqlite lacks FTS5). Why two: better-sqlite3 12, the last release that runs on Node 20,
 * aborts the process on Node 24.19+ when the garbage collector finalizes one of
 * its statements (a cleanup-hook assertion in node::ObjectWrap), and 13, which
 * fixes that, requires Node 22. Both drivers speak to the same SQLite engine and
 * file format; this module gives Kysely one interface over either, with prepared
 * statements cached (Kysely prepares every query anew otherwise).
 */
import { createRequire } from 'node:module';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** A connection: Kysely's interface plus what the store needs to configure it. */
export interface SqliteConnection extends SqliteDatabase {
  readonly driver: SqliteDriverName;
  /** Runs SQL without results (pragmas, schema in tests). */
  exec(sql: string): void;
}

export interface OpenOptions {
  readonly?: boolean;
}

/** Distinct SQL texts kept prepared; the store issues a few dozen, so this is never reached in practice. */
const STATEMENT_CACHE_MAX = 500;

const require = createRequire(import.meta.url);

interface NodeSqliteStatement {
  columns?: () => unknown[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface NodeSqliteDatabase {
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}
type NodeSqliteModule = { DatabaseSync: new (path: string, options?: { readOnly?: boolean }) => NodeSqliteDatabase };

/** True when this build of SQLite has FTS5 (full-text search, migration 0003-search needs it). */
function hasFts5(module: NodeSqliteModule): boolean {
  const db = new module.DatabaseSync(':memory:');
  try {
    db.exec('create virtual table probe using fts5(body)');
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

let builtin: { module: NodeSqliteModule | undefined } | undefined;

function nodeSqlite(): NodeSqliteModule | undefined {
  if (!builtin) {
    // getBuiltinModule answers undefined where the module needs a flag or does not exist.
    const module = process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
    // Node 22.13-22.15 ship node:sqlite without FTS5: better-sqlite3 (which has it) there.
    builtin = { module: module && hasFts5(module) ? module : undefined };
  }
  return builtin.module;
}

export function sqliteDriver(): SqliteDriverName {
  return nodeSqlite() ? 'node:sqlite' : 'better-sqlite3';
}

/** Statements that return rows: SELECT, PRAGMA, WITH and anything with RETURNING. */
const READER_FALLBACK = /^\s*(select|pragma|with|values)\b|\breturning\b/i;

function adaptNodeStatement(sql: string, statement: NodeSqliteStatement): SqliteStatement {
  // columns() arrived in Node 22.16; before it, read the SQL (parameters are never inlined).
  const reader = statement.columns ? statement.columns().length > 0 : READER_FALLBACK.test(sql);
  return {
    reader,
    all: (parameters) => statement.all(...parameters),
    run: (parameters) => statement.run(...parameters),
    iterate: (parameters) => statement.iterate(...parameters),
  };
}

function cached(prepare: (sql: string) => SqliteStatement): (sql: string) => SqliteStatement {
  const cache = new Map<string, SqliteStatement>();
  // Safe because queries run one at a time on a connection and none is streamed
  // (a statement being iterated cannot be reused).
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) {
      if (cache.size >= STATEMENT_CACHE_MAX) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

export function openSqlite(path: string, options: OpenOptions = {}): SqliteConnection {
  const builtin = nodeSqlite();
  if (builtin) {
    const db = new builtin.DatabaseSync(path, options.readonly ? { readOnly: true } : {});
    return {
      driver: 'node:sqlite',
      prepare: cached((sql) => adaptNodeStatement(sql, db.prepare(sql))),
      exec: (sql) => db.exec(sql),
      close: () => db.close(),
    };
  }
  const BetterSqlite3 = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new BetterSqlite3(path, options.readonly ? { readonly: true } : {});
  return {
    driver: 'better-sqlite3',
    prepare: cached((sql) => db.prepare(sql)),
    exec: (sql) => void db.exec(sql),
    close: () => db.close(),
  };
}
