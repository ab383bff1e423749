/**
 * Atomic sections that compose with an enclosing transaction. At top level they
 * open a transaction; inside one they use a savepoint, so that a section can be
 * undone (a duplicate found, a unique violation caught) without aborting the
 * caller's transaction: PostgreSQL refuses every statement after an error until
 * the transaction or a savepoint is rolled back. SAVEPOINT, RELEASE and ROLLBACK
 * TO are the same SQL in both dialects.
 *
 * A transaction runs on one connection and is used by one logical flow at a
 * time: do not run sections of the same transaction concurrently.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './db-schema';

// One name for every savepoint: RELEASE and ROLLBACK TO act on the most recent unreleased
// savepoint of that name (SQLite and PostgreSQL alike), which is the innermost for properly
// nested sections. A constant text is prepared once and stays in the statement cache; a
// numbered name was a new statement per use and flushed the cache every few hundred writes.
const SAVEPOINT = CompiledQuery.raw('savepoint parley_sp');
const RELEASE = CompiledQuery.raw('release savepoint parley_sp');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint parley_sp');

async function inSavepoint<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  await db.executeQuery(SAVEPOINT);
  let result: T;
  try {
    result = await fn(db);
  } catch (error) {
    await db.executeQuery(ROLLBACK_TO);
    await db.executeQuery(RELEASE);
    throw error;
  }
  await db.executeQuery(RELEASE);
  return result;
}

/** Runs fn all-or-nothing: its own transaction, or a savepoint inside the caller's. */
export function atomic<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return inSavepoint(db, fn);
  return db.transaction().execute(fn);
}

/**
 * Runs a single statement so that its failure leaves the caller's transaction
 * usable (a savepoint when inside one; at top level the statement is its own
 * transaction already).
 */
export function recoverable<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return inSavepoint(db, fn);
  return fn(db);
}
