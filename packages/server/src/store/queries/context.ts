/**
 * The context every query function receives: the Kysely handle (the root
 * instance or a transaction) and the dialect's error recognizers. Query modules
 * are plain functions over this context so that KyselyStore stays a thin shell.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';

export interface QueryContext {
  readonly db: Kysely<Database>;
  readonly dialect: StoreDialect;
}

/** Affected-row counts come back as bigint from Kysely. */
export function affected(count: bigint | undefined): boolean {
  return (count ?? 0n) > 0n;
}
