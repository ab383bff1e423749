/**
 * The outbox table: rows written in the transaction of the write whose events they
 * are, claimed by a relay that takes over overdue events, deleted once published;
 * and the store's epoch. Claiming is one conditional UPDATE: on PostgreSQL a
 * concurrent claimer waits for the row lock and then re-checks `claimed_until`, so
 * two relays never hold the same event at once (no SKIP LOCKED needed, and the
 * same SQL runs on SQLite).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BusEvent } from '../../ports/bus-events';
import type { ClaimOptions, OutboxRecord } from '../../ports/store';
import type { Database } from '../db-schema';

/** Most ids in one DELETE (SQLite's default limit of bound parameters is 32,766). */
const DELETE_CHUNK = 500;

/** `dispatch`: durable consumers read this event (ports/bus-events.ts isDispatched), so the row stays until they took it. */
export async function insertEvent(
  db: Kysely<Database>,
  record: OutboxRecord,
  origin: string,
  dispatch: boolean,
): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      id: record.id,
      topic: record.topic,
      body: JSON.stringify(record.event),
      origin,
      created_at: record.createdAt,
      claimed_until: null,
      published: 0,
      dispatch: dispatch ? 1 : 0,
    })
    .execute();
}

/** Overdue or admin events not yet published that no live relay holds, oldest first, now held by the caller. */
export async function claimOverdueEvents(db: Kysely<Database>, options: ClaimOptions): Promise<OutboxRecord[]> {
  const candidates = db
    .selectFrom('outbox')
    .select('id')
    .where((eb) =>
      eb.and([
        eb('published', '=', 0),
        eb.or([eb('created_at', '<', options.overdueBefore), eb('origin', '=', 'admin')]),
        eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.now)]),
      ]),
    )
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit);
  const rows = await db
    .updateTable('outbox')
    .set({ claimed_until: options.claimUntil })
    .where('id', 'in', candidates)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', options.now)]))
    .returning(['id', 'topic', 'body', 'created_at'])
    .execute();
  return rows
    .map((row) => ({
      id: row.id,
      topic: row.topic,
      event: JSON.parse(row.body) as BusEvent,
      createdAt: Number(row.created_at),
    }))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The bus took these events: each row goes, unless the durable consumers have not
 * taken it yet (then it stays, marked published, and the dispatcher deletes it). The
 * UPDATE runs first: on PostgreSQL it waits for a dispatcher holding the row and then
 * re-checks `dispatch`, so a row is never left behind by both sides (ADR 0011).
 */
export async function deleteEvents(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
    const chunk = ids.slice(i, i + DELETE_CHUNK);
    await db.updateTable('outbox').set({ published: 1 }).where('id', 'in', chunk).where('dispatch', '=', 1).execute();
    await db.deleteFrom('outbox').where('id', 'in', chunk).where('dispatch', '=', 0).execute();
  }
}

/**
 * Committed events awaiting the durable consumers, oldest first, now taken (inside
 * the dispatcher's transaction). The conditional UPDATE makes a concurrent dispatcher
 * wait for the rows and then skip them. Rows the bus already took are deleted here.
 */
export async function takeEventsToDispatch(db: Kysely<Database>, limit: number): Promise<OutboxRecord[]> {
  const candidates = db
    .selectFrom('outbox')
    .select('id')
    .where('dispatch', '=', 1)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit);
  const rows = await db
    .updateTable('outbox')
    .set({ dispatch: 0 })
    .where('id', 'in', candidates)
    .where('dispatch', '=', 1)
    .returning(['id', 'topic', 'body', 'created_at', 'published'])
    .execute();
  const done = rows.filter((row) => Number(row.published) === 1).map((row) => row.id);
  if (done.length > 0) await db.deleteFrom('outbox').where('id', 'in', done).execute();
  return rows
    .map((row) => ({
      id: row.id,
      topic: row.topic,
      event: JSON.parse(row.body) as BusEvent,
      createdAt: Number(row.created_at),
    }))
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function countEvents(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function getEpoch(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('store_meta').select('value').where('key', '=', 'epoch').executeTakeFirstOrThrow();
  return row.value;
}

/** A new identity: every client's cursors are then from another store and get resynced. */
export async function rotateEpoch(db: Kysely<Database>): Promise<string> {
  const epoch = randomBytes(9).toString('base64url');
  await db.updateTable('store_meta').set({ value: epoch }).where('key', '=', 'epoch').execute();
  return epoch;
}
