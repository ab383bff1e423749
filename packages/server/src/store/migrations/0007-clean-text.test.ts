/**
 * Migration 0007-clean-text on SQLite and PostgreSQL: text an older server stored
 * (written here straight into the tables, as it would have been) follows the text
 * rules afterwards, in every table that holds user text; search finds the repaired
 * messages; clean rows are not rewritten; pages of 2 rows miss nothing; a second
 * run changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store';
import type { Database, MessageKind } from '../db-schema';
import type { StoreDialect } from '../dialect';
import { KyselyStore } from '../kysely-store';
import { createPostgresDb } from '../postgres/create-postgres-db';
import { postgresDialect } from '../postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../postgres/test-database';
import { createSqliteDb } from '../sqlite/create-sqlite-db';
import { sqliteDialect } from '../sqlite/sqlite-dialect';
import { cleanTextMigration } from './0007-clean-text';

interface Opened {
  store: Store;
  db: Kysely<Database>;
  dialect: StoreDialect;
  close: () => Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'parley-clean-'));
const postgres = await requirePostgres();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openSqlite(): Promise<Opened> {
  const db = createSqliteDb({ path: join(dir, 'clean.db'), synchronous: 'normal' });
  const store = new KyselyStore(db, sqliteDialect);
  await store.migrate();
  return { store, db, dialect: sqliteDialect, close: () => store.close() };
}

async function openPostgres(): Promise<Opened> {
  const schema = randomSchemaName('clean');
  const db = await createPostgresDb({ databaseUrl: pgTestUrl(), schema });
  const dialect = postgresDialect(schema);
  const store = new KyselyStore(db, dialect);
  await store.migrate();
  return {
    store,
    db,
    dialect,
    close: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

const dialects: [string, () => Promise<Opened>][] = [['sqlite', openSqlite]];
if (postgres) dialects.push(['postgres', openPostgres]);

const T0 = 1_800_000_000_000;
/** PostgreSQL refuses U+0000 in text, so an older server could only have stored the others there. */
const C = '\u0001';

/** Everything the migration may rewrite, to compare before and after. */
async function snapshot(db: Kysely<Database>): Promise<unknown> {
  return {
    users: await db.selectFrom('users').select(['id', 'display_name', 'status_text']).orderBy('id').execute(),
    sessions: await db.selectFrom('sessions').select(['id', 'device_name']).orderBy('id').execute(),
    conversations: await db
      .selectFrom('conversations')
      .select(['id', 'title', 'topic', 'description'])
      .orderBy('id')
      .execute(),
    messages: await db.selectFrom('messages').select(['id', 'content', 'reply_to']).orderBy('id').execute(),
    files: await db.selectFrom('files').select(['id', 'name']).orderBy('id').execute(),
    reports: await db.selectFrom('reports').select(['id', 'reason']).orderBy('id').execute(),
    bans: await db.selectFrom('bans').select(['conversation_id', 'user_id', 'reason']).orderBy('user_id').execute(),
  };
}

describe.each(dialects)('migration 0007-clean-text on %s', (_name, open) => {
  it('cleans every table that holds user text, in small pages, once', async () => {
    const { store, db, dialect, close } = await open();
    try {
      for (const [i, id] of ['u_a', 'u_b', 'u_c', 'u_d', 'u_e'].entries()) {
        await store.createUser({
          id,
          username: `user${i}`,
          displayName: `User ${i}`,
          passwordHash: 'x',
          createdAt: T0,
        });
      }
      for (const id of ['s_1', 's_2', 's_3']) {
        await store.createSession({
          id,
          userId: 'u_a',
          tokenHash: id,
          deviceName: 'Laptop',
          createdAt: T0,
          lastSeenAt: T0,
          expiresAt: T0 + 1e9,
        });
      }
      for (const id of ['c_1', 'c_2', 'c_3']) {
        await store.createConversation({ id, kind: 'group', title: id, directKey: null, createdAt: T0 }, [
          { userId: 'u_a', role: 'owner' },
          { userId: 'u_b', role: 'member' },
        ]);
      }
      const clean = await store.appendMessage({
        id: 'm_00_clean',
        conversationId: 'c_1',
        senderId: 'u_a',
        clientId: 'clean',
        content: { type: 'text', text: 'all fine here' },
        createdAt: T0,
      });
      await store.createFile({
        id: 'f_1',
        ownerId: 'u_a',
        name: 'ok.txt',
        size: 1,
        mime: 'text/plain',
        kind: 'file',
        blobKey: 'files/f_1',
        createdAt: T0,
      });
      await store.addBan('c_2', { userId: 'u_c', bannedBy: 'u_a', reason: 'ok', createdAt: T0, expiresAt: null });
      await store.addBan('c_2', { userId: 'u_d', bannedBy: 'u_a', reason: 'ok', createdAt: T0, expiresAt: null });
      await store.addBan('c_2', { userId: 'u_e', bannedBy: 'u_a', reason: null, createdAt: T0, expiresAt: null });
      await store.createReport({
        id: 'r_1',
        conversationId: 'c_1',
        messageId: clean.message.id,
        reporterId: 'u_b',
        reason: 'ok',
        createdAt: T0,
      });

      // What an older server stored, written behind the store's back.
      const users = db.updateTable('users');
      await users
        .set({ display_name: `Mallory${C}\u202E\u200B`, status_text: `away${C}\r\nback` })
        .where('id', '=', 'u_a')
        .execute();
      await users
        .set({ display_name: `\u200B${C}\u3164` })
        .where('id', '=', 'u_b')
        .execute();
      await users
        .set({ status_text: `\u001B${C}` })
        .where('id', '=', 'u_e')
        .execute();
      await db.updateTable('sessions').set({ device_name: `Phone\u0007` }).where('id', '=', 's_2').execute();
      await db.updateTable('sessions').set({ device_name: `\u0007` }).where('id', '=', 's_3').execute();
      await db
        .updateTable('conversations')
        .set({ title: `trap${C}title\u202E`, topic: `a\r\nb${C}`, description: `d\u001Fe` })
        .where('id', '=', 'c_2')
        .execute();
      await db
        .updateTable('conversations')
        .set({ title: `\u200B${C}` })
        .where('id', '=', 'c_3')
        .execute();
      const message = (
        id: string,
        seq: number,
        content: unknown,
        extra: { kind?: MessageKind; reply_to?: string } = {},
      ) =>
        db
          .insertInto('messages')
          .values({
            id,
            conversation_id: 'c_2',
            seq,
            sender_id: 'u_a',
            client_id: id,
            content: JSON.stringify(content),
            created_at: T0 + seq,
            ...extra,
          })
          .execute();
      await message('m_01_text', 100, { type: 'text', text: 'hello\u0000world\uD800 zanzibar\r\nend' });
      await message('m_02_file', 101, {
        type: 'file',
        fileId: 'f_1',
        name: 'holiday\u202Egnp.exe',
        size: 1,
        mime: 'text/plain',
        kind: 'file',
        caption: `cap${C}tion quokka`,
      });
      await message(
        'm_03_system',
        102,
        {
          type: 'system',
          action: 'settings.changed',
          settings: { topic: `t${C}`, description: 'fine' },
        },
        { kind: 'system' },
      );
      await message(
        'm_04_renamed',
        103,
        { type: 'system', action: 'renamed', title: `new\u202E${C}name` },
        { kind: 'system' },
      );
      await message(
        'm_05_update',
        104,
        { type: 'update', action: 'edited', messageId: 'm_01_text', text: `e${C}d` },
        { kind: 'update' },
      );
      await message(
        'm_06_reply',
        105,
        { type: 'text', text: 'a reply' },
        {
          reply_to: JSON.stringify({ messageId: 'm_01_text', seq: 100, senderId: 'u_a', excerpt: `hello${C}world` }),
        },
      );
      await message('m_07_deleted', 106, { type: 'deleted' });
      await db
        .updateTable('files')
        .set({ name: `C:fake\u202Egnp.exe${C}` })
        .where('id', '=', 'f_1')
        .execute();
      await db
        .updateTable('reports')
        .set({ reason: `spam${C}` })
        .where('id', '=', 'r_1')
        .execute();
      await db
        .updateTable('bans')
        .set({ reason: `rude${C}` })
        .where('user_id', '=', 'u_d')
        .execute();

      const cleanBefore = await db.selectFrom('messages').selectAll().where('id', '=', 'm_00_clean').executeTakeFirst();
      await cleanTextMigration(dialect, 2).up(db as Kysely<unknown>);

      const R = '\uFFFD';
      const user = (id: string) => store.getUser(id);
      expect(await user('u_a')).toMatchObject({ displayName: 'Mallory', statusText: `away${R}\nback` });
      expect((await user('u_b'))?.displayName).toBe('user1');
      expect((await user('u_e'))?.statusText).toBe(`${R}${R}`);
      expect((await store.getSession('s_2'))?.deviceName).toBe('Phone');
      expect((await store.getSession('s_3'))?.deviceName).toBe('unknown device');
      expect(await store.getConversation('c_2')).toMatchObject({
        title: 'traptitle',
        topic: `a\nb${R}`,
        description: `d${R}e`,
      });
      expect((await store.getConversation('c_3'))?.title).toBeNull();
      const content = async (id: string) => (await store.getMessage(id))?.content;
      expect(await content('m_01_text')).toEqual({ type: 'text', text: `hello${R}world${R} zanzibar\nend` });
      expect(await content('m_02_file')).toMatchObject({ name: 'holidaygnp.exe', caption: `cap${R}tion quokka` });
      expect(await content('m_03_system')).toMatchObject({ settings: { topic: `t${R}`, description: 'fine' } });
      expect(await content('m_04_renamed')).toMatchObject({ title: 'newname' });
      expect(await content('m_05_update')).toMatchObject({ text: `e${R}d` });
      expect((await store.getMessage('m_06_reply'))?.replyTo?.excerpt).toBe(`hello${R}world`);
      expect(await content('m_07_deleted')).toEqual({ type: 'deleted' });
      expect((await store.getFile('f_1'))?.name).toBe('C:fakegnp.exe');
      expect((await store.getReport('r_1'))?.reason).toBe(`spam${R}`);
      const bans = await store.listBans('c_2', T0);
      expect(bans.map((b) => [b.userId, b.reason])).toEqual([
        ['u_c', 'ok'],
        ['u_d', `rude${R}`],
        ['u_e', null],
      ]);
      // Repaired messages are searchable by their words, as if they had been sent clean.
      const search = async (term: string) =>
        (await store.searchMessages({ terms: [term], userId: 'u_a', sort: 'recent', offset: 0, limit: 10 })).map(
          (m) => m.id,
        );
      expect(await search('zanzibar')).toEqual(['m_01_text']);
      expect(await search('world')).toEqual(['m_01_text']);
      expect(await search('quokka')).toEqual(['m_02_file']);
      // A clean row is left exactly as it was.
      expect(await db.selectFrom('messages').selectAll().where('id', '=', 'm_00_clean').executeTakeFirst()).toEqual(
        cleanBefore,
      );

      const once = await snapshot(db);
      await cleanTextMigration(dialect, 2).up(db as Kysely<unknown>);
      expect(await snapshot(db)).toEqual(once);
    } finally {
      await close();
    }
  });
});
