/**
 * Migration 0008-search-segmentation on SQLite and PostgreSQL: a store whose index
 * was written by the word rules before issue 10 (no pairs for Chinese, Japanese or
 * Thai, diacritics kept, FTS5's unicode61 tokenizer) is brought up to date by the
 * migration itself (registered with the store's migrate()), in pages smaller than the history: afterwards it finds what
 * the new rules find, text messages and file captions alike, and still never finds
 * deleted or edited-away text. Running it again changes nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageContent } from '@parley/protocol';
import { parseSearchTerms } from '../domain/search-text';
import type { Store } from '../ports/store';
import type { Database } from './db-schema';
import type { StoreDialect } from './dialect';
import { KyselyStore } from './kysely-store';
import { searchSegmentationMigration } from './migrations/0008-search-segmentation';
import { createPostgresDb } from './postgres/create-postgres-db';
import { postgresDialect } from './postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from './postgres/test-database';
import { createSqliteDb } from './sqlite/create-sqlite-db';
import { sqliteDialect } from './sqlite/sqlite-dialect';

const available = await requirePostgres();

interface Opened {
  name: 'sqlite' | 'postgres';
  store: Store;
  db: Kysely<Database>;
  dialect: StoreDialect;
}

const T0 = 1_800_000_000_000;

/** The words as the index held them before issue 10: NFC, lower case, diacritics kept. */
function oldWords(text: string): string[] {
  return [...text.matchAll(/[\p{L}\p{N}\p{M}\p{Co}]+/gu)].map((match) =>
    match[0].normalize('NFC').toLowerCase().replaceAll('ς', 'σ'),
  );
}

/** Replaces the index by the one a release before 0008 wrote, from the live messages. */
async function writeOldIndex(opened: Opened): Promise<void> {
  const { db } = opened;
  await sql`drop table if exists message_search`.execute(db);
  await sql`drop table if exists search_docs`.execute(db);
  if (opened.name === 'sqlite') {
    await sql`create table search_docs (
      doc integer primary key,
      message_id text not null unique references messages(id) on delete cascade
    )`.execute(db);
    await sql`create virtual table message_search using fts5(body, tokenize = 'unicode61 remove_diacritics 0')`.execute(
      db,
    );
    await sql`create trigger search_docs_delete after delete on search_docs begin
      delete from message_search where rowid = old.doc;
    end`.execute(db);
  } else {
    await sql`create table message_search (
      message_id text collate "C" primary key references messages(id) on delete cascade,
      document tsvector not null
    )`.execute(db);
    await sql`create index message_search_document_idx on message_search using gin (document)`.execute(db);
  }
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'content'])
    .where('kind', '=', 'message')
    .where('deleted_at', 'is', null)
    .execute();
  for (const row of rows) {
    const content = JSON.parse(row.content) as MessageContent;
    if (content.type !== 'text') continue;
    const words = oldWords(content.text);
    if (opened.name === 'sqlite') {
      const doc = await sql<{
        doc: number;
      }>`insert into search_docs (message_id) values (${row.id}) returning doc`.execute(db);
      await sql`insert into message_search (rowid, body) values (${doc.rows[0]!.doc}, ${words.join(' ')})`.execute(db);
    } else {
      const vector = words.map((word, index) => `'${word.replaceAll("'", "''")}':${index + 1}`).join(' ');
      await sql`insert into message_search (message_id, document) values (${row.id}, ${vector}::tsvector)`.execute(db);
    }
  }
}

/** The store's own migrate() applied 0008 when it opened (the migration is registered). */
async function applied(opened: Opened): Promise<boolean> {
  const rows = await sql<{
    name: string;
  }>`select name from kysely_migration where name = '0008-search-segmentation'`.execute(opened.db);
  return rows.rows.length === 1;
}

const TEXTS = [
  '我们明天去北京吃烤鸭',
  '東京タワーに行きました',
  'ฉันจะไปกรุงเทพพรุ่งนี้',
  'Die Überprüfung der Straße',
  'Tiếng Việt ở Đà Nẵng',
  'Parley ships search',
  '🎉 iPhone用のケース 🍣',
  '北京烤鸭 deleted',
  'Überprüfung before the edit',
  'parley again',
];

async function load(opened: Opened): Promise<void> {
  const { store } = opened;
  await store.createUser({ id: 'u_ann', username: 'ann', displayName: 'Ann', passwordHash: 'x', createdAt: T0 });
  await store.createConversation({ id: 'c_one', kind: 'group', title: 'one', directKey: null, createdAt: T0 }, [
    { userId: 'u_ann', role: 'owner' },
  ]);
  for (const [i, text] of TEXTS.entries()) {
    await store.appendMessage({
      id: `m_${i}`,
      conversationId: 'c_one',
      senderId: 'u_ann',
      clientId: `k_${i}`,
      content: { type: 'text', text },
      createdAt: T0 + i * 1000,
    });
  }
  await store.deleteMessage('m_7', T0 + 100_000, 1);
  await store.editMessage('m_8', 'Prüfung after the edit', undefined, T0 + 100_000, 1);
  // A file message with a caption, written as a release before 0008 did: not in the old index.
  await opened.db
    .insertInto('messages')
    .values({
      id: 'm_file',
      conversation_id: 'c_one',
      seq: 100,
      sender_id: 'u_ann',
      client_id: 'k_file',
      content: JSON.stringify({
        type: 'file',
        fileId: 'f_1',
        name: 'duck.jpg',
        size: 1,
        mime: 'image/jpeg',
        kind: 'image',
        caption: '烤鸭 à la française',
      }),
      created_at: T0 + 50_000,
    })
    .execute();
}

async function openSqlite(dir: string): Promise<Opened> {
  const db = createSqliteDb({ path: join(dir, 'migration.db'), synchronous: 'normal' });
  const store = new KyselyStore(db, sqliteDialect);
  await store.migrate();
  return { name: 'sqlite', store, db, dialect: sqliteDialect };
}

async function openPostgres(schema: string): Promise<Opened> {
  const db = await createPostgresDb({ databaseUrl: pgTestUrl(), schema });
  const dialect = postgresDialect(schema);
  const store = new KyselyStore(db, dialect);
  await store.migrate();
  return { name: 'postgres', store, db, dialect };
}

const QUERIES: [string, string[]][] = [
  ['北京', ['m_0']],
  ['タワー', ['m_1']],
  ['กรุงเทพ', ['m_2']],
  ['uberprufung', ['m_3']],
  ['strasse', ['m_3']],
  ['tieng viet', ['m_4']],
  ['ケース', ['m_6']],
  ['烤鸭', ['m_file', 'm_0']],
  ['francaise', ['m_file']],
  ['parley', ['m_9', 'm_5']],
  ['deleted', []],
  ['before', []],
  ['prufung', ['m_8']],
];

describe.runIf(available)('migration 0008-search-segmentation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-migration-'));
  const schema = randomSchemaName('searchmig');
  let stores: Opened[] = [];

  beforeAll(async () => {
    stores = [await openSqlite(dir), await openPostgres(schema)];
    for (const opened of stores) await load(opened);
  }, 60_000);

  afterAll(async () => {
    for (const opened of stores) await opened.store.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const find = async (opened: Opened, query: string): Promise<string[]> =>
    (
      await opened.store.searchMessages({
        userId: 'u_ann',
        terms: parseSearchTerms(query),
        sort: 'recent',
        offset: 0,
        limit: 50,
      })
    ).map((message) => message.id);

  it('re-indexes an index written by the old word rules when the store migrates', async () => {
    for (const opened of stores) {
      expect(await applied(opened), opened.name).toBe(true);
      await writeOldIndex(opened);
      // The old index: no Chinese inside a sentence, no folded diacritics, no captions.
      expect(await find(opened, '北京'), opened.name).toEqual([]);
      expect(await find(opened, 'uberprufung'), opened.name).toEqual([]);
      expect(await find(opened, 'parley'), opened.name).toEqual(['m_9', 'm_5']);
      // What migrate() runs on a store written by a release before 0008 (later migrations
      // already ran here, so the migrator itself would refuse to go back to it).
      await searchSegmentationMigration(opened.dialect).up(opened.db as Kysely<unknown>);
      for (const [query, expected] of QUERIES)
        expect(await find(opened, query), `${opened.name} ${query}`).toEqual(expected);
    }
  });

  it('keeps SQLite tokens whole with the ascii tokenizer', async () => {
    const sqlite = stores.find((opened) => opened.name === 'sqlite')!;
    const table = await sql<{
      sql: string;
    }>`select sql from sqlite_master where name = 'message_search'`.execute(sqlite.db);
    expect(table.rows[0]?.sql).toContain("tokenize = 'ascii'");
  });

  it('gives the same index when run again, in pages of any size', async () => {
    for (const opened of stores) {
      const before = await Promise.all(QUERIES.map(([query]) => find(opened, query)));
      for (const page of [1, 3, 500]) {
        await searchSegmentationMigration(opened.dialect, page).up(opened.db as Kysely<unknown>);
        expect(await Promise.all(QUERIES.map(([query]) => find(opened, query))), `${opened.name} ${page}`).toEqual(
          before,
        );
      }
    }
  });
});
