/**
 * Messages between the store (worker-dialect.ts, main thread) and the thread that
 * owns the SQLite connection (sqlite-worker.ts). Structured clone carries them:
 * strings, numbers, bigints, null and byte arrays (blobs arrive as Uint8Array, as
 * node:sqlite returns them anyway).
 */
import type { SqliteOptions } from './open-store-file';

/** workerData: how to open the file. The worker answers request id 0 once it is open (or failed to). */
export type WorkerOptions = SqliteOptions;

export type WorkerRequest =
  { id: number; kind: 'query'; sql: string; parameters: readonly unknown[] } | { id: number; kind: 'close' };

/** An error raised by SQLite, with what the store inspects: the driver's `code` or `errcode`. */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  errcode?: number;
}

export type WorkerReply =
  | { id: number; kind: 'rows'; rows: unknown[] }
  | { id: number; kind: 'run'; changes: number | bigint; lastInsertRowid: number | bigint }
  | { id: number; kind: 'done' }
  | { id: number; kind: 'error'; error: WorkerError };

export const OPEN_REQUEST_ID = 0;
