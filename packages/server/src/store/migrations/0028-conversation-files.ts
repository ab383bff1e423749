/**
 * The "media and files" gallery (issue 13): a conversation's file refs by conversation,
 * so that `GET /v1/conversations/:id/files` reads that conversation's refs instead of
 * every ref on the server. file_refs already carries conversation_id (0004); only the
 * index is new.
 */
import type { Kysely, Migration } from 'kysely';

export function conversationFilesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('file_refs_conversation_idx')
        .on('file_refs')
        .columns(['conversation_id', 'message_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('file_refs_conversation_idx').ifExists().execute();
    },
  };
}
