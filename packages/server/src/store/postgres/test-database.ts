/**
 * Test helpers for suites that need a real PostgreSQL: where it is, whether it is
 * reachable (fail in CI, skip with a warning elsewhere), and a throw-away schema
 * per test file. Test-only: nothing in the server imports this module.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { assertSchemaName } from './create-postgres-db';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** The test database: `PARLEY_TEST_DATABASE_URL`, or the local default. */
export function pgTestUrl(): string {
  return process.env.PARLEY_TEST_DATABASE_URL ?? DEFAULT_URL;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

async function probe(url: string): Promise<Error | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // A failed connect may still emit 'error' later; keep it from crashing the run.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves true when PostgreSQL answers. When it does not: throws if `CI` is set
 * (a skipped store suite must not pass CI silently), else prints a warning and
 * resolves false so the caller can skip.
 */
export async function requirePostgres(url: string = pgTestUrl()): Promise<boolean> {
  const failure = await probe(url);
  if (!failure) return true;
  const message = `PostgreSQL is unreachable at ${redact(url)} (${failure.message}); set PARLEY_TEST_DATABASE_URL or start PostgreSQL`;
  if (process.env.CI) throw new Error(`${message}. CI is set, so PostgreSQL tests fail instead of skipping.`);
  process.stderr.write(`WARNING: ${message}. Skipping PostgreSQL tests.\n`);
  return false;
}

/** A fresh, valid schema name, unique per call. */
export function randomSchemaName(prefix = 'test'): string {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  assertSchemaName(name);
  return name;
}

export async function dropSchema(schema: string, url: string = pgTestUrl()): Promise<void> {
  assertSchemaName(schema);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
