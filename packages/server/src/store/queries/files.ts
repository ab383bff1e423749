/**
 * Files and file refs (migration 0004): the queries behind ports/file-records.ts.
 * A ref is what lets other members download a file and what keeps it from the
 * cleanup; refs are written with their message (appendMessage) or not at all.
 */
import type { FileKind, Message } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { ConversationFilesRange, FileCompletion, FileRecord, NewFile } from '../../ports/file-records';
import type { FilesTable } from '../db-schema';
import { affected, type QueryContext } from './context';
import { decorate } from './decorate';

type Db = QueryContext['db'];

function toFile(row: Selectable<FilesTable>): FileRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    status: row.status,
    name: row.name,
    size: Number(row.size),
    mime: row.mime,
    // Written only from a FileKind.
    kind: row.kind as FileKind,
    width: row.width,
    height: row.height,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
    placeholder: row.placeholder,
    waveform: row.waveform === null ? null : (JSON.parse(row.waveform) as number[]),
    blobKey: row.blob_key,
    thumbKey: row.thumb_key,
    createdAt: Number(row.created_at),
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
  };
}

export async function createFile(db: Db, file: NewFile): Promise<FileRecord> {
  const row = await db
    .insertInto('files')
    .values({
      id: file.id,
      owner_id: file.ownerId,
      status: 'uploading',
      name: file.name,
      size: file.size,
      mime: file.mime,
      kind: file.kind,
      blob_key: file.blobKey,
      created_at: file.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toFile(row);
}

export async function getFile(db: Db, id: string): Promise<FileRecord | undefined> {
  const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFile(row);
}

export async function completeFile(db: Db, id: string, c: FileCompletion): Promise<FileRecord | undefined> {
  const row = await db
    .updateTable('files')
    .set({
      status: 'ready',
      size: c.size,
      mime: c.mime,
      kind: c.kind,
      width: c.width,
      height: c.height,
      duration_ms: c.durationMs,
      placeholder: c.placeholder,
      waveform: c.waveform === null ? null : JSON.stringify(c.waveform),
      thumb_key: c.thumbKey,
      completed_at: c.completedAt,
    })
    .where('id', '=', id)
    .where('status', '=', 'uploading')
    .returningAll()
    .executeTakeFirst();
  return row && toFile(row);
}

export async function deleteFile(db: Db, id: string): Promise<boolean> {
  await db.deleteFrom('file_refs').where('file_id', '=', id).execute();
  const result = await db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
  return affected(result.numDeletedRows);
}

export async function sumFileBytes(db: Db, ownerId: string): Promise<number> {
  const row = await db
    .selectFrom('files')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('total'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

export async function listFileConversations(db: Db, fileId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('file_refs')
    .select('conversation_id')
    .distinct()
    .where('file_id', '=', fileId)
    .orderBy('conversation_id')
    .execute();
  return rows.map((r) => r.conversation_id);
}

export async function addFileRef(db: Db, fileId: string, messageId: string, conversationId: string): Promise<void> {
  await db
    .insertInto('file_refs')
    .values({ file_id: fileId, message_id: messageId, conversation_id: conversationId })
    .onConflict((oc) => oc.columns(['file_id', 'message_id']).doNothing())
    .execute();
}

export async function releaseFileRefs(db: Db, messageId: string): Promise<string[]> {
  const refs = await db.selectFrom('file_refs').select('file_id').where('message_id', '=', messageId).execute();
  if (refs.length === 0) return [];
  await db.deleteFrom('file_refs').where('message_id', '=', messageId).execute();
  const ids = refs.map((r) => r.file_id);
  const still = await db.selectFrom('file_refs').select('file_id').where('file_id', 'in', ids).execute();
  const referenced = new Set(still.map((r) => r.file_id));
  return ids.filter((id) => !referenced.has(id));
}

export async function listUnreferencedFiles(
  db: Db,
  options: { createdBefore: number; limit: number },
): Promise<FileRecord[]> {
  const rows = await db
    .selectFrom('files')
    .selectAll()
    .where('created_at', '<', options.createdBefore)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('file_refs').select('file_refs.file_id').whereRef('file_refs.file_id', '=', 'files.id'),
        ),
      ),
    )
    .orderBy('created_at', 'asc')
    .limit(Math.max(1, Math.trunc(options.limit)))
    .execute();
  return rows.map(toFile);
}

export async function listConversationFiles(
  db: Db,
  conversationId: string,
  range: ConversationFilesRange,
): Promise<Message[]> {
  const limit = Math.max(0, Math.trunc(range.limit));
  if (limit === 0 || range.kinds.length === 0) return [];
  // file_refs_conversation_idx (migration 0028) finds the conversation's refs; a message
  // carries one file, so the join yields each message once.
  let query = db
    .selectFrom('file_refs')
    .innerJoin('messages', 'messages.id', 'file_refs.message_id')
    .innerJoin('files', 'files.id', 'file_refs.file_id')
    .selectAll('messages')
    .where('file_refs.conversation_id', '=', conversationId)
    .where('messages.deleted_at', 'is', null)
    .where('files.kind', 'in', [...range.kinds]);
  if (range.before !== undefined) query = query.where('messages.seq', '<', range.before);
  const rows = await query.orderBy('messages.seq', 'desc').limit(limit).execute();
  return decorate(db, rows);
}
