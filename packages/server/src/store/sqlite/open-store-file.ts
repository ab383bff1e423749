/**
 * Opens the SQLite file behind the store with the settings durability depends on:
 * creates its directory, then WAL, the chosen synchronous level, foreign keys,
 * secure_delete (deleted rows are zeroed, not left in free space) and the busy timeout. Used on whichever thread owns the connection: the store's
 * worker thread (sqlite-worker.ts) by default, the main thread otherwise.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openSqlite, type SqliteConnection } from './open-sqlite';

export interface SqliteOptions {
  /** File path, or ':memory:' (tests only: nothing survives close). */
  path: string;
  /** 'full' survives power loss; 'normal' survives kill -9 but may lose the last commits on power loss. */
  synchronous: 'full' | 'normal';
  /** How long a writer waits for another process's lock (a backup, the CLI) before failing. */
  busyTimeoutMs?: number;
}

export function openStoreFile(options: SqliteOptions): SqliteConnection {
  const inMemory = options.path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(options.path)), { recursive: true });
  const sqlite = openSqlite(options.path);
  try {
    if (!inMemory) sqlite.exec('pragma journal_mode = WAL');
    sqlite.exec(`pragma synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.exec('pragma foreign_keys = ON');
    // Deleted content is overwritten with zeros in its pages and freed pages (retention: ADR 0019).
    sqlite.exec('pragma secure_delete = ON');
    sqlite.exec(`pragma busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}
