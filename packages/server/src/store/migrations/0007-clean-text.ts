/**
 * Text stored before the text rules (issue 10; docs/protocol.md, "Text rules") made
 * to follow them, on both dialects, so that nothing an older server accepted can
 * break a client again when it is read back (XMPP clients drop their stream on one
 * C0 control):
 *
 * - free text (message text, captions, edits' text, quoted excerpts, status text,
 *   topics, descriptions, ban and report reasons): refused characters become U+FFFD,
 *   CR LF and CR become LF. Both replace a character search does not index with
 *   another it does not index, so words stay apart; the search entry of a changed
 *   message is written again all the same;
 * - names (display names, conversation titles, file names, device names, the titles
 *   in system messages): refused characters dropped, then normalized as the services
 *   normalize them; a name with nothing left falls back as on input (the username,
 *   `file`, `unknown device`; no title).
 *
 * Every table is read in pages of PAGE rows by its key, so a large history never
 * sits in memory at once; only rows that change are written. Running it again
 * changes nothing.
 */
import { repairName, repairText, truncateFileName, MAX_FILE_NAME_CHARS, type MessageContent } from '@parley/protocol';
import type { Kysely, Migration } from 'kysely';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';

const PAGE = 500;

/** Keys of message JSON (content, reply_to) that hold free text, and those that hold names. */
const FREE_TEXT_KEYS = new Set(['text', 'caption', 'topic', 'description', 'excerpt']);
const NAME_KEYS = new Set(['name', 'title']);

/** A JSON value with every free text and name in it repaired (recursively: `settings` of system messages). */
function repairJson(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (FREE_TEXT_KEYS.has(key)) return repairText(value);
    if (key === 'name') return truncateFileName(repairName(value) || 'file', MAX_FILE_NAME_CHARS);
    if (NAME_KEYS.has(key)) return repairName(value);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => repairJson(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, repairJson(v, k)]));
  }
  return value;
}

/** The JSON text repaired, or null when nothing in it changes. */
function repairedJson(text: string | null): string | null {
  if (text === null) return null;
  const parsed: unknown = JSON.parse(text);
  const repaired = JSON.stringify(repairJson(parsed));
  return repaired === JSON.stringify(parsed) ? null : repaired;
}

const freeText = (value: string | null) => (value === null ? null : repairText(value));
const nameOrNull = (value: string | null) => (value === null ? null : repairName(value) || null);

/**
 * Runs one page's writes in a transaction: on PostgreSQL the Migrator already holds
 * one for the whole migration; on SQLite a page commits at once instead of a commit
 * per row. A crash between pages leaves the migration unrecorded, and running it
 * again finishes the job (it is idempotent).
 */
function inTransaction(db: Kysely<Database>, work: (tx: Kysely<Database>) => Promise<void>): Promise<void> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Pages through a table by its (single-column) key, calling `each` for every row
 * of a page inside one transaction; `each` writes what changed.
 */
async function forEachPage<R extends { id: string }>(
  db: Kysely<Database>,
  page: (after: string, limit: number) => Promise<R[]>,
  each: (tx: Kysely<Database>, row: R) => Promise<void>,
  pageSize: number,
): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await page(after, pageSize);
    await inTransaction(db, async (tx) => {
      for (const row of rows) await each(tx, row);
    });
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.id;
  }
}

async function cleanUsers(db: Kysely<Database>, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db
        .selectFrom('users')
        .select(['id', 'username', 'display_name', 'status_text'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    async (tx, row) => {
      const displayName = repairName(row.display_name) || row.username;
      const status = freeText(row.status_text);
      const statusText = status === null || status.trim() === '' ? null : status;
      if (displayName === row.display_name && statusText === row.status_text) return;
      await tx
        .updateTable('users')
        .set({ display_name: displayName, status_text: statusText })
        .where('id', '=', row.id)
        .execute();
    },
    pageSize,
  );
}

async function cleanSessions(db: Kysely<Database>, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db
        .selectFrom('sessions')
        .select(['id', 'device_name'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    async (tx, row) => {
      const deviceName = repairName(row.device_name) || 'unknown device';
      if (deviceName === row.device_name) return;
      await tx.updateTable('sessions').set({ device_name: deviceName }).where('id', '=', row.id).execute();
    },
    pageSize,
  );
}

async function cleanConversations(db: Kysely<Database>, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db
        .selectFrom('conversations')
        .select(['id', 'title', 'topic', 'description'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    async (tx, row) => {
      const patch = {
        title: nameOrNull(row.title),
        topic: freeText(row.topic),
        description: freeText(row.description),
      };
      if (patch.title === row.title && patch.topic === row.topic && patch.description === row.description) return;
      await tx.updateTable('conversations').set(patch).where('id', '=', row.id).execute();
    },
    pageSize,
  );
}

async function cleanMessages(db: Kysely<Database>, dialect: StoreDialect, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db
        .selectFrom('messages')
        .select(['id', 'kind', 'content', 'reply_to', 'deleted_at'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute(),
    async (tx, row) => {
      const content = repairedJson(row.content);
      const replyTo = repairedJson(row.reply_to);
      if (content === null && replyTo === null) return;
      await tx
        .updateTable('messages')
        .set({ ...(content === null ? {} : { content }), ...(replyTo === null ? {} : { reply_to: replyTo }) })
        .where('id', '=', row.id)
        .execute();
      if (content === null || row.kind !== 'message' || row.deleted_at !== null) return;
      // What the store indexes for a message (queries/messages.ts): its text, or a file's caption.
      const stored = JSON.parse(content) as MessageContent;
      if (stored.type === 'text') await dialect.search.put(tx, row.id, stored.text);
      else if (stored.type === 'file' && stored.caption !== undefined && stored.caption.trim() !== '') {
        await dialect.search.put(tx, row.id, stored.caption);
      }
    },
    pageSize,
  );
}

async function cleanFiles(db: Kysely<Database>, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db.selectFrom('files').select(['id', 'name']).where('id', '>', after).orderBy('id').limit(limit).execute(),
    async (tx, row) => {
      const name = truncateFileName(repairName(row.name) || 'file', MAX_FILE_NAME_CHARS);
      if (name === row.name) return;
      await tx.updateTable('files').set({ name }).where('id', '=', row.id).execute();
    },
    pageSize,
  );
}

async function cleanReports(db: Kysely<Database>, pageSize: number): Promise<void> {
  await forEachPage(
    db,
    (after, limit) =>
      db.selectFrom('reports').select(['id', 'reason']).where('id', '>', after).orderBy('id').limit(limit).execute(),
    async (tx, row) => {
      const reason = repairText(row.reason);
      if (reason === row.reason) return;
      await tx.updateTable('reports').set({ reason }).where('id', '=', row.id).execute();
    },
    pageSize,
  );
}

/** Bans are keyed by (conversation, user): paged by that pair. */
async function cleanBans(db: Kysely<Database>, pageSize: number): Promise<void> {
  let after: [string, string] = ['', ''];
  for (;;) {
    const rows = await db
      .selectFrom('bans')
      .select(['conversation_id', 'user_id', 'reason'])
      .where((eb) => eb(eb.refTuple('conversation_id', 'user_id'), '>', eb.tuple(after[0], after[1])))
      .orderBy('conversation_id')
      .orderBy('user_id')
      .limit(pageSize)
      .execute();
    await inTransaction(db, async (tx) => {
      for (const row of rows) {
        const reason = freeText(row.reason);
        if (reason === row.reason) continue;
        await tx
          .updateTable('bans')
          .set({ reason })
          .where('conversation_id', '=', row.conversation_id)
          .where('user_id', '=', row.user_id)
          .execute();
      }
    });
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = [last.conversation_id, last.user_id];
  }
}

/** `pageSize` is for tests, which check that paging misses no row. */
export function cleanTextMigration(dialect: StoreDialect, pageSize = PAGE): Migration {
  return {
    async up(untyped: Kysely<unknown>): Promise<void> {
      const db = untyped as Kysely<Database>;
      await cleanUsers(db, pageSize);
      await cleanSessions(db, pageSize);
      await cleanConversations(db, pageSize);
      await cleanMessages(db, dialect, pageSize);
      await cleanFiles(db, pageSize);
      await cleanReports(db, pageSize);
      await cleanBans(db, pageSize);
    },
    // Nothing to undo: the cleaned text is valid under the old rules too.
    async down(): Promise<void> {},
  };
}
