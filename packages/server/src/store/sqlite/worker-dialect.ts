/**
 * A Kysely dialect for SQLite whose connection lives on a worker thread
 * (sqlite-worker.ts). The main thread compiles each query as before and sends the
 * SQL and its parameters; the worker runs it and sends back the rows. SQLite's
 * work, and above all the fsync of every COMMIT under synchronous=FULL, then
 * happens off the event loop that serves sockets: while a batch commits, frames
 * keep being read, parsed and answered, and the next batch of the group commit
 * gathers.
 *
 * The driver keeps Kysely's SQLite semantics: one connection, held by one query
 * or one whole transaction at a time (the same mutex as Kysely's SqliteDriver),
 * so a transaction's statements reach the worker in order and nothing else runs
 * between them. A caller is answered only after the worker has run its statement,
 * so a COMMIT that resolved is committed (guarantee 1 unchanged). Errors raised by
 * SQLite come back with their message and the driver's `code`/`errcode`, which is
 * what sqlite-dialect.ts inspects (unique violations).
 *
 * The worker holds the event loop open only while a request is outstanding
 * (like a synchronous driver, an idle open store does not keep a process alive);
 * destroy() closes the database on the worker, after every request already sent,
 * and then ends the thread.
 */
import { Worker } from 'node:worker_threads';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import {
  OPEN_REQUEST_ID,
  SQL_IDS_MAX,
  type WorkerOptions,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol';

type Outcome = Exclude<WorkerReply, { kind: 'error' }>;

interface Waiting {
  resolve: (reply: Outcome) => void;
  reject: (error: Error) => void;
}

/** An Error on this thread carrying what SQLite said on the worker (message, name, code, errcode). */
function sqliteError(reply: Extract<WorkerReply, { kind: 'error' }>): Error {
  const { name, message, code, errcode } = reply.error;
  const error = new Error(message) as Error & { code?: string; errcode?: number };
  error.name = name;
  if (code !== undefined) error.code = code;
  if (errcode !== undefined) error.errcode = errcode;
  return error;
}

/** The worker thread and the requests it has not answered yet. */
class WorkerClient {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = OPEN_REQUEST_ID + 1;
  /** SQL texts already sent, by the number the worker knows them by. */
  private readonly sqlIds = new Map<string, number>();
  private failure: Error | undefined;
  readonly opened: Promise<void>;

  constructor(options: WorkerOptions) {
    this.worker = new Worker(new URL('./sqlite-worker.mjs', import.meta.url), {
      workerData: options,
      name: 'parley-sqlite',
    });
    this.opened = this.expect(OPEN_REQUEST_ID).then(() => undefined);
    this.worker.on('message', (reply: WorkerReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the SQLite worker thread exited (code ${code})`)));
  }

  query(sql: string, parameters: readonly unknown[]): Promise<Outcome> {
    const id = this.nextId++;
    const known = this.sqlIds.get(sql);
    if (known !== undefined) return this.send({ id, kind: 'query', sqlId: known, parameters });
    if (this.sqlIds.size >= SQL_IDS_MAX) return this.send({ id, kind: 'query', sql, parameters });
    const sqlId = this.sqlIds.size + 1;
    this.sqlIds.set(sql, sqlId);
    return this.send({ id, kind: 'query', sql, sqlId, parameters });
  }

  /** Closes the database after every request already sent, then ends the thread. */
  async close(): Promise<void> {
    if (!this.failure) {
      // An open that failed leaves nothing to close; the thread still has to end.
      const open = await this.opened.then(
        () => true,
        () => false,
      );
      if (open) await this.send({ id: this.nextId++, kind: 'close' });
    }
    this.failure ??= new Error('the SQLite database is closed');
    await this.worker.terminate();
  }

  private send(request: WorkerRequest): Promise<Outcome> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = this.expect(request.id);
    this.worker.postMessage(request);
    return reply;
  }

  private expect(id: number): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      // Keep the process alive while the worker owes an answer, and only then.
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
    });
  }

  private settle(reply: WorkerReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.forget(reply.id);
    if (reply.kind === 'error') waiting.reject(sqliteError(reply));
    else waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const [id, waiting] of this.waiting) {
      this.forget(id);
      waiting.reject(error);
    }
  }

  private forget(id: number): void {
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker.unref();
  }
}

class WorkerConnection implements DatabaseConnection {
  constructor(private readonly client: WorkerClient) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.client.query(compiledQuery.sql, compiledQuery.parameters);
    if (reply.kind === 'rows') return { rows: reply.rows as R[] };
    if (reply.kind === 'run') {
      return { numAffectedRows: BigInt(reply.changes), insertId: BigInt(reply.lastInsertRowid), rows: [] };
    }
    return { rows: [] };
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Rows cross the thread boundary in one message: a stream is the result, row by row.
    if (!SelectQueryNode.is(compiledQuery.query))
      throw new Error('Sqlite driver only supports streaming of select queries');
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (const row of rows) yield { rows: [row] };
  }
}

/** Kysely's one-connection mutex (SqliteDriver's): a query or a whole transaction holds the connection. */
class ConnectionMutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise<void>((resolve) => (this.release = resolve));
  }

  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

/** SQL identifiers for savepoint names: double quotes, inner quotes doubled. */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

class WorkerSqliteDriver implements Driver {
  private readonly mutex = new ConnectionMutex();
  private client: WorkerClient | undefined;
  private connection: WorkerConnection | undefined;

  constructor(private readonly options: WorkerOptions) {}

  async init(): Promise<void> {
    const client = new WorkerClient(this.options);
    try {
      await client.opened;
    } catch (error) {
      // Kysely forgets a driver whose init failed (destroy() is then not called): end the thread now.
      await client.close();
      throw error;
    }
    this.client = client;
    this.connection = new WorkerConnection(client);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.mutex.lock();
    if (!this.connection) throw new Error('the SQLite driver is not initialized');
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${identifier(name)}`));
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${identifier(name)}`));
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${identifier(name)}`));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- Kysely's Driver interface is async
  async releaseConnection(): Promise<void> {
    this.mutex.unlock();
  }

  /**
   * Kysely refuses new queries once destroy() has begun, but a transaction already
   * holding the connection (a group commit under way at shutdown) still has
   * statements to send: wait for it, and for the queries already queued, so that
   * the thread ends after the last write instead of in the middle of it.
   */
  async destroy(): Promise<void> {
    if (!this.client) return;
    await this.mutex.lock();
    try {
      await this.client.close();
    } finally {
      this.mutex.unlock();
    }
  }
}

/** SQLite through a worker thread: Kysely's SQLite adapter, compiler and introspector, our driver. */
export class WorkerSqliteDialect implements Dialect {
  constructor(private readonly options: WorkerOptions) {}

  createDriver(): Driver {
    return new WorkerSqliteDriver(this.options);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
