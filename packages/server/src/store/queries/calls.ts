/**
 * Call records (migration 0021): the state of each 1:1 call, shared by every node.
 * A transition is one conditional UPDATE on `state` (on PostgreSQL the row lock makes
 * a concurrent one wait and then find the state changed), so the first device to
 * accept wins everywhere.
 */
import type { CallContent, CallEndReason, CallState } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { CallPatch, CallRecord } from '../../ports/call-records';
import type { CallsTable } from '../db-schema';
import { searchableText } from '../../domain/search-text';
import { encodeContent } from '../rows';
import { affected, type QueryContext } from './context';

type Db = QueryContext['db'];

function toRecord(row: Selectable<CallsTable>): CallRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    messageId: row.message_id,
    callerId: row.caller_id,
    calleeId: row.callee_id,
    media: row.media,
    state: row.state,
    callerDevice: row.caller_session,
    calleeDevice: row.callee_session,
    startedAt: Number(row.started_at),
    answeredAt: row.answered_at === null ? null : Number(row.answered_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
    // Written only from a validated CallEndReason.
    endReason: row.end_reason as CallEndReason | null,
    endedBy: row.ended_by,
    ringDeadline: Number(row.ring_deadline),
    aliveAt: Number(row.alive_at),
  };
}

export async function insertCall(db: Db, call: CallRecord): Promise<void> {
  await db
    .insertInto('calls')
    .values({
      id: call.id,
      conversation_id: call.conversationId,
      message_id: call.messageId,
      caller_id: call.callerId,
      callee_id: call.calleeId,
      media: call.media,
      state: call.state,
      caller_session: call.callerDevice,
      callee_session: call.calleeDevice,
      started_at: call.startedAt,
      answered_at: call.answeredAt,
      ended_at: call.endedAt,
      end_reason: call.endReason,
      ended_by: call.endedBy,
      ring_deadline: call.ringDeadline,
      alive_at: call.aliveAt,
    })
    .execute();
}

export async function getCall(db: Db, id: string): Promise<CallRecord | undefined> {
  const row = await db.selectFrom('calls').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRecord(row);
}

export async function transitionCall(
  db: Db,
  id: string,
  from: readonly CallState[],
  patch: CallPatch,
): Promise<CallRecord | undefined> {
  if (from.length === 0) return undefined;
  const result = await db
    .updateTable('calls')
    .set({
      state: patch.state,
      ...(patch.calleeDevice === undefined ? {} : { callee_session: patch.calleeDevice }),
      ...(patch.answeredAt === undefined ? {} : { answered_at: patch.answeredAt }),
      ...(patch.endedAt === undefined ? {} : { ended_at: patch.endedAt }),
      ...(patch.endReason === undefined ? {} : { end_reason: patch.endReason }),
      ...(patch.endedBy === undefined ? {} : { ended_by: patch.endedBy }),
      ...(patch.aliveAt === undefined ? {} : { alive_at: patch.aliveAt }),
    })
    .where('id', '=', id)
    .where('state', 'in', [...from])
    .executeTakeFirst();
  if (!affected(result.numUpdatedRows)) return undefined;
  return getCall(db, id);
}

export async function openCallsOf(db: Db, userId: string): Promise<CallRecord[]> {
  const rows = await db
    .selectFrom('calls')
    .selectAll()
    .where('state', 'in', ['ringing', 'active'])
    .where((eb) => eb.or([eb('caller_id', '=', userId), eb('callee_id', '=', userId)]))
    .orderBy('started_at')
    .execute();
  return rows.map(toRecord);
}

export async function listOpenCalls(db: Db, limit: number): Promise<CallRecord[]> {
  const rows = await db
    .selectFrom('calls')
    .selectAll()
    .where('state', 'in', ['ringing', 'active'])
    .orderBy('started_at')
    .limit(Math.max(0, Math.trunc(limit)))
    .execute();
  return rows.map(toRecord);
}

export async function touchCalls(db: Db, ids: readonly string[], at: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('calls')
    .set({ alive_at: at })
    .where('id', 'in', [...ids])
    .where('state', '=', 'active')
    .execute();
}

export async function setCallContent(
  { db, dialect }: QueryContext,
  messageId: string,
  content: CallContent,
  rev: number,
): Promise<void> {
  await db
    .updateTable('messages')
    .set({ content: encodeContent(content), rev })
    .where('id', '=', messageId)
    .execute();
  const text = searchableText(content);
  if (text !== undefined) await dialect.search.put(db, messageId, text);
}
