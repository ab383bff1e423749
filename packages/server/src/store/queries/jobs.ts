/**
 * The job queue (0016): rows any node's runner claims under a lease. A claim is one
 * conditional UPDATE (as for the outbox): on PostgreSQL a concurrent claimer waits for
 * the row lock and re-checks the lease, so two runners never hold one job at once;
 * completing or rescheduling names the lease token, so a runner whose lease lapsed
 * (and was taken over) cannot touch the job any more.
 */
import type { Kysely } from 'kysely';
import type { ClaimJobsOptions, JobRecord, NewJob } from '../../ports/jobs';
import type { Database } from '../db-schema';

export async function enqueueJob(db: Kysely<Database>, job: NewJob): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: job.id,
      kind: job.kind,
      payload: JSON.stringify(job.payload),
      due_at: job.dueAt,
      attempts: 0,
      lease_until: null,
      lease_token: null,
      created_at: job.createdAt,
      last_error: null,
    })
    .execute();
}

export async function claimJobs(db: Kysely<Database>, options: ClaimJobsOptions): Promise<JobRecord[]> {
  if (options.kinds.length === 0 || options.limit <= 0) return [];
  const candidates = db
    .selectFrom('jobs')
    .select('id')
    .where('due_at', '<=', options.now)
    .where('kind', 'in', [...options.kinds])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', options.now)]))
    .orderBy('due_at')
    .orderBy('id')
    .limit(options.limit);
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      lease_until: options.leaseUntil,
      lease_token: options.leaseToken,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', candidates)
    .where('due_at', '<=', options.now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', options.now)]))
    .returningAll()
    .execute();
  return rows
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      payload: JSON.parse(row.payload) as unknown,
      dueAt: Number(row.due_at),
      attempts: Number(row.attempts),
      createdAt: Number(row.created_at),
      lastError: row.last_error,
      leaseToken: options.leaseToken,
    }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export async function completeJob(db: Kysely<Database>, id: string, leaseToken: string): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', id)
    .where('lease_token', '=', leaseToken)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function rescheduleJob(
  db: Kysely<Database>,
  id: string,
  leaseToken: string,
  dueAt: number,
  lastError: string | null,
  progressed = false,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      due_at: dueAt,
      lease_until: null,
      lease_token: null,
      last_error: lastError,
      ...(progressed ? { attempts: 0 } : {}),
    })
    .where('id', '=', id)
    .where('lease_token', '=', leaseToken)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countJobs(db: Kysely<Database>, kind?: string): Promise<number> {
  let query = db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n'));
  if (kind !== undefined) query = query.where('kind', '=', kind);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}
