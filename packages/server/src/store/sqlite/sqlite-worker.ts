/**
 * The thread that owns the store's SQLite connection (worker-dialect.ts starts
 * it through sqlite-worker.mjs). It opens the file with the store's pragmas,
 * then runs each query it is sent, in arrival order, and answers with the rows
 * or the statement's changes. COMMIT and its fsync happen here, so they never
 * stall the event loop that serves sockets. The caller (Kysely's driver) sends
 * one query at a time per connection and holds the connection for a whole
 * transaction, so transactions never interleave.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SqliteConnection } from './open-sqlite';
import { openStoreFile } from './open-store-file';
import {
  OPEN_REQUEST_ID,
  type WorkerError,
  type WorkerOptions,
  type WorkerReply,
  type WorkerRequest,
} from './worker-protocol';

function describe(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const described: WorkerError = { name: error.name, message: error.message };
  // better-sqlite3: `code` (SQLITE_CONSTRAINT_UNIQUE...); node:sqlite: `errcode` (2067...) and `code` ERR_SQLITE_ERROR.
  if ('code' in error && typeof error.code === 'string') described.code = error.code;
  if ('errcode' in error && typeof error.errcode === 'number') described.errcode = error.errcode;
  return described;
}

/** better-sqlite3 binds Buffers, not other byte arrays; structured clone turns Buffers into Uint8Arrays. */
function bindable(parameters: readonly unknown[]): readonly unknown[] {
  if (!parameters.some((p) => p instanceof Uint8Array && !Buffer.isBuffer(p))) return parameters;
  return parameters.map((p) =>
    p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p,
  );
}

/** SQL texts by the number the main thread gave them (worker-protocol.ts). */
const sqlById = new Map<number, string>();

function sqlOf(request: Extract<WorkerRequest, { kind: 'query' }>): string {
  if (request.sql !== undefined) {
    if (request.sqlId !== undefined) sqlById.set(request.sqlId, request.sql);
    return request.sql;
  }
  const sql = request.sqlId === undefined ? undefined : sqlById.get(request.sqlId);
  if (sql === undefined) throw new Error(`unknown SQL number ${request.sqlId}`);
  return sql;
}

function run(db: SqliteConnection, request: Extract<WorkerRequest, { kind: 'query' }>): WorkerReply {
  const statement = db.prepare(sqlOf(request));
  const parameters = bindable(request.parameters);
  if (statement.reader) return { id: request.id, kind: 'rows', rows: statement.all(parameters) };
  const { changes, lastInsertRowid } = statement.run(parameters);
  return { id: request.id, kind: 'run', changes, lastInsertRowid };
}

const port = parentPort;
if (!port) throw new Error('sqlite-worker.ts runs as a worker thread only');

let db: SqliteConnection | undefined;
try {
  db = openStoreFile(workerData as WorkerOptions);
  port.postMessage({ id: OPEN_REQUEST_ID, kind: 'done' } satisfies WorkerReply);
} catch (error) {
  port.postMessage({ id: OPEN_REQUEST_ID, kind: 'error', error: describe(error) } satisfies WorkerReply);
}

port.on('message', (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if (!db) throw new Error('the SQLite database is not open');
    if (request.kind === 'close') {
      db.close();
      db = undefined;
      reply = { id: request.id, kind: 'done' };
    } else {
      reply = run(db, request);
    }
  } catch (error) {
    reply = { id: request.id, kind: 'error', error: describe(error) };
  }
  port.postMessage(reply);
});
