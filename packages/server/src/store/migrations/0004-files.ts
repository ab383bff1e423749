/**
 * Files (issue 5): one row per upload, from its creation (status `uploading`,
 * size as declared in Upload-Length, which counts against the owner's quota at
 * once) to `ready` (sniffed type and media details filled in). file_refs says
 * which messages carry a file: it is written in the same transaction as the
 * message (queries/messages.ts), so a file is never both sent and unreferenced,
 * and it decides who may download (members of a conversation holding a ref).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function filesMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('files')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('owner_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('size', int64, (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('duration_ms', int64)
        .addColumn('placeholder', 'text')
        // JSON array of 0-255 integers (voice messages).
        .addColumn('waveform', 'text')
        .addColumn('blob_key', 'text', (c) => c.notNull())
        .addColumn('thumb_key', 'text')
        .addColumn('created_at', int64, (c) => c.notNull())
        .addColumn('completed_at', int64)
        .execute();
      await db.schema.createIndex('files_owner_idx').on('files').column('owner_id').execute();
      await db.schema.createIndex('files_created_idx').on('files').column('created_at').execute();

      await db.schema
        .createTable('file_refs')
        .addColumn('file_id', key, (c) => c.notNull().references('files.id').onDelete('cascade'))
        .addColumn('message_id', key, (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('conversation_id', key, (c) => c.notNull())
        .addPrimaryKeyConstraint('file_refs_pk', ['file_id', 'message_id'])
        .execute();
      await db.schema.createIndex('file_refs_message_idx').on('file_refs').column('message_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('file_refs')}`.execute(db);
      await sql`drop table if exists ${sql.table('files')}`.execute(db);
    },
  };
}
