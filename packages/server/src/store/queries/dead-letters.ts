/**
 * Dead letters (0025, ADR 0018): an outbox event that broke the dispatcher's consumers
 * too often, or a job whose handler kept failing, moves here so that the rest flows.
 * Moving is one transaction (the caller's): the event is marked taken (and deleted when
 * the bus already has it), the job is deleted under its lease. A retry puts it back: the
 * event as a published row still awaiting dispatch, the job due now with its attempts
 * reset. Nothing here knows what the events or jobs mean.
 */
import type { Kysely } from 'kysely';
import type { DeadLetter } from '../../ports/jobs';
import type { BusEvent } from '../../ports/bus-events';
import type { Database, DeadLettersTable } from '../db-schema';

function toDeadLetter(row: DeadLettersTable): DeadLetter {
  return {
    id: row.id,
    source: row.source,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    failedAt: Number(row.failed_at),
  };
}

/** Counts a failed dispatch of the event; at `maxAttempts` it becomes a dead letter. */
export async function failEventDispatch(
  db: Kysely<Database>,
  id: string,
  error: string,
  maxAttempts: number,
  now: number,
): Promise<'retry' | 'dead' | 'gone'> {
  const row = await db
    .updateTable('outbox')
    .set((eb) => ({ dispatch_attempts: eb('dispatch_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('dispatch', '=', 1)
    .returning(['id', 'topic', 'body', 'created_at', 'published', 'dispatch_attempts'])
    .executeTakeFirst();
  if (!row) return 'gone';
  const attempts = Number(row.dispatch_attempts);
  if (attempts < maxAttempts) return 'retry';
  const event = JSON.parse(row.body) as BusEvent;
  await db
    .insertInto('dead_letters')
    .values({
      id: row.id,
      source: 'event',
      kind: event.type,
      payload: JSON.stringify({ topic: row.topic, event, createdAt: Number(row.created_at) }),
      attempts,
      last_error: error,
      created_at: Number(row.created_at),
      failed_at: now,
    })
    .execute();
  // Taken: the relay still publishes an unpublished row (and then deletes it); a published one goes now.
  if (Number(row.published) === 1) await db.deleteFrom('outbox').where('id', '=', id).execute();
  else await db.updateTable('outbox').set({ dispatch: 0 }).where('id', '=', id).execute();
  return 'dead';
}

/** Moves a job its runner holds (by lease) to the dead letters. */
export async function deadLetterJob(
  db: Kysely<Database>,
  id: string,
  leaseToken: string,
  error: string,
  now: number,
): Promise<boolean> {
  const row = await db
    .deleteFrom('jobs')
    .where('id', '=', id)
    .where('lease_token', '=', leaseToken)
    .returningAll()
    .executeTakeFirst();
  if (!row) return false;
  await db
    .insertInto('dead_letters')
    .values({
      id: row.id,
      source: 'job',
      kind: row.kind,
      payload: row.payload,
      attempts: Number(row.attempts),
      last_error: error,
      created_at: Number(row.created_at),
      failed_at: now,
    })
    .execute();
  return true;
}

export async function listDeadLetters(db: Kysely<Database>, limit: number): Promise<DeadLetter[]> {
  const rows = await db.selectFrom('dead_letters').selectAll().orderBy('failed_at', 'desc').limit(limit).execute();
  return rows.map(toDeadLetter);
}

/** Puts the dead letter back where it came from; undefined when there is none by that id. */
export async function retryDeadLetter(db: Kysely<Database>, id: string, now: number): Promise<DeadLetter | undefined> {
  const row = await db.deleteFrom('dead_letters').where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) return undefined;
  const letter = toDeadLetter(row);
  if (row.source === 'event') {
    const { topic, event, createdAt } = letter.payload as { topic: string; event: BusEvent; createdAt: number };
    // Published already (the bus had it long ago): only the durable consumers see it again.
    await db
      .insertInto('outbox')
      .values({
        id: row.id,
        topic,
        body: JSON.stringify(event),
        origin: 'admin',
        created_at: createdAt,
        claimed_until: null,
        published: 1,
        dispatch: 1,
        dispatch_attempts: 0,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ dispatch: 1, dispatch_attempts: 0 }))
      .execute();
  } else {
    await db
      .insertInto('jobs')
      .values({
        id: row.id,
        kind: row.kind,
        payload: row.payload,
        due_at: now,
        attempts: 0,
        lease_until: null,
        lease_token: null,
        created_at: Number(row.created_at),
        last_error: row.last_error,
      })
      .execute();
  }
  return letter;
}

export async function deleteDeadLetter(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
