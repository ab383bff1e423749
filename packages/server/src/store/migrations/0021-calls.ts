/**
 * Calls (issue 14): one row per 1:1 call, from the first ring to its end. The row is
 * the call's state for every node of a cluster (which node handled the start does not
 * matter): transitions are conditional updates on `state`, so two devices accepting at
 * once on two nodes cannot both win. `ring_deadline` is when a ringing call becomes
 * missed; `alive_at` is the last time both devices of an active call were seen
 * connected (the sweep ends a call whose devices stay away, with that time as its end,
 * so a server killed mid-call still leaves a correct record). `message_id` is the call
 * record message in the conversation.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function callsMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('calls')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('message_id', key, (c) => c.notNull())
        .addColumn('caller_id', key, (c) => c.notNull())
        .addColumn('callee_id', key, (c) => c.notNull())
        .addColumn('media', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('caller_session', key, (c) => c.notNull())
        .addColumn('callee_session', key)
        .addColumn('started_at', int64, (c) => c.notNull())
        .addColumn('answered_at', int64)
        .addColumn('ended_at', int64)
        .addColumn('end_reason', 'text')
        .addColumn('ended_by', key)
        .addColumn('ring_deadline', int64, (c) => c.notNull())
        .addColumn('alive_at', int64, (c) => c.notNull())
        .execute();
      // The sweep and the busy check read only calls that are not over.
      await db.schema.createIndex('calls_state_idx').on('calls').column('state').execute();
      await db.schema.createIndex('calls_caller_idx').on('calls').columns(['caller_id', 'state']).execute();
      await db.schema.createIndex('calls_callee_idx').on('calls').columns(['callee_id', 'state']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists ${sql.table('calls')}`.execute(db);
    },
  };
}
