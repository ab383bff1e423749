/**
 * Kysely's SQLite dialect for the connection on the event loop's thread, with two
 * changes to its driver.
 *
 * Waiters for the one connection queue first in, first out. Kysely's own mutex wakes
 * every waiter at each release and all but one go back to sleep: with hundreds of
 * queries queued behind a group-commit batch, each release cost time in proportion
 * to the queue (5% of the event loop under load, docs/performance.md).
 *
 * With a WalSyncer, the fsync of each commit moves off the event loop
 * (ADR 0022). The connection runs with `synchronous=NORMAL`; this driver notes
 * whether the holder of the connection (one query, or one whole transaction) wrote
 * anything, and when it gives the connection back it first unlocks it (the next
 * query need not wait for the disk) and then waits for a WalSyncer fdatasync before
 * answering. So a write's caller, and everything it does after (answers, events),
 * still comes after the commit is on disk, as with `synchronous=FULL`.
 *
 * What changes: another query may read a committed write during the milliseconds
 * before it is durable (with FULL the commit held the lock through its fsync).
 */
import {
  SelectQueryNode,
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDialectConfig,
  type TransactionSettings,
} from 'kysely';
import type { WalSyncer } from './wal-syncer';

const READ_ONLY_SQL = /^\s*(select|pragma|explain)\b/i;

/** True when a statement cannot have changed the database. */
function readsOnly(query: CompiledQuery): boolean {
  return SelectQueryNode.is(query.query) || READ_ONLY_SQL.test(query.sql);
}

class MainThreadDriver implements Driver {
  private connection: DatabaseConnection | undefined;
  private wrote = false;
  private locked = false;
  private readonly waiters: (() => void)[] = [];
  private readonly facade: DatabaseConnection = {
    executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
      if (!readsOnly(query)) this.wrote = true;
      return this.held().executeQuery<R>(query);
    },
    streamQuery: <R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> =>
      this.held().streamQuery<R>(query, chunkSize),
  };

  constructor(
    private readonly inner: Driver,
    private readonly syncer: WalSyncer | undefined,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.locked) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.locked = true;
    // Never contended: only the holder of this queue's turn asks the inner driver.
    this.connection = await this.inner.acquireConnection();
    this.wrote = false;
    return this.facade;
  }

  beginTransaction(_connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(this.held(), settings);
  }

  commitTransaction(): Promise<void> {
    return this.inner.commitTransaction(this.held());
  }

  rollbackTransaction(): Promise<void> {
    return this.inner.rollbackTransaction(this.held());
  }

  async savepoint(_c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(this.held(), name, compile);
  }

  async rollbackToSavepoint(
    _c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.(this.held(), name, compile);
  }

  async releaseSavepoint(_c: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint?.(this.held(), name, compile);
  }

  async releaseConnection(): Promise<void> {
    const wrote = this.wrote;
    const connection = this.held();
    this.connection = undefined;
    this.wrote = false;
    await this.inner.releaseConnection(connection);
    // Hand the turn to the next waiter directly (it stays locked), or unlock.
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
    if (wrote && this.syncer) await this.syncer.sync();
  }

  async destroy(): Promise<void> {
    await this.syncer?.close();
    await this.inner.destroy();
  }

  private held(): DatabaseConnection {
    if (this.connection === undefined) throw new Error('no SQLite connection is held');
    return this.connection;
  }
}

export class MainThreadSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    /** Makes commits durable off the event loop; none when SQLite fsyncs itself (or need not). */
    private readonly syncer?: WalSyncer,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new MainThreadDriver(super.createDriver(), this.syncer);
  }
}
