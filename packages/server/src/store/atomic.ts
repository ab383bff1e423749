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
import { sql, type Kysely } from 'kysely';
import type { Database } from './db-schema';

let savepointCounter = 0;

async function inSavepoint<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  savepointCounter += 1;
  const name = sql.id(`parley_sp_${savepointCounter}`);
  await sql`savepoint ${name}`.execute(db);
  let result: T;
  try {
    result = await fn(db);
  } catch (error) {
    await sql`rollback to savepoint ${name}`.execute(db);
    await sql`release savepoint ${name}`.execute(db);
    throw error;
  }
  await sql`release savepoint ${name}`.execute(db);
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
