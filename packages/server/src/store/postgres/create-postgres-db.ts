/**
 * Opens the PostgreSQL pool behind the store: one schema per deployment (created
 * if missing, set as search_path on every connection), BIGINT parsed to number,
 * and Kysely on top. Owns the pool until Kysely's destroy() ends it.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../ports/logger';
import type { Database } from '../db-schema';

export interface PostgresOptions {
  databaseUrl: string;
  /** Lower-case identifier: letters, digits and '_' (checked, since it is spliced into SQL). */
  schema: string;
  maxConnections?: number;
  logger?: Logger;
}

const INT8_OID = 20;
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Epoch milliseconds, seqs and counts are far below 2^53; a value beyond that is
 * a corrupted row, and failing loudly beats silently rounding it.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} does not fit in a JavaScript number`);
  return value;
}

export function assertSchemaName(schema: string): void {
  if (!SCHEMA_PATTERN.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and "_"`);
  }
}

export async function createPostgresDb(options: PostgresOptions): Promise<Kysely<Database>> {
  assertSchemaName(options.schema);
  // Local to this pool: the global pg.types registry stays untouched for other users of pg.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', parseInt8);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 10,
    types,
    // A startup parameter rather than a SET after connect: it applies before the first query.
    options: `-c search_path=${options.schema}`,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that
  // would crash the process. The pool drops the client and the next query reconnects.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'postgres idle client error'));
  try {
    await ensureSchema(pool, options.schema);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Two nodes starting together can both pass IF NOT EXISTS; the loser sees 23505 or 42P06.
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
