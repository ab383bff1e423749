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
  /**
   * A query. The SQL text crosses once: the first request with a given text carries
   * it with a number (`sqlId`), later ones only the number (a text of a few hundred
   * characters doubles the cost of a round trip). Requests arrive in order, so the
   * worker always knows a number it is sent.
   */
  | { id: number; kind: 'query'; sql?: string; sqlId?: number; parameters: readonly unknown[] }
  | { id: number; kind: 'close' };

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

/** Distinct SQL texts given a number (the store issues a few dozen); past this, texts are sent whole. */
export const SQL_IDS_MAX = 1000;
