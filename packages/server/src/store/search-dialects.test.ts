/**
 * SQLite FTS5 and PostgreSQL full text agree: the same data set (same ids, same
 * times, edits, deletions and membership changes; Latin, Greek, Chinese, Japanese,
 * Thai, Korean, Vietnamese, emoji) loaded into both stores answers every query with
 * the same ids in the same order. Recent order is compared on a random data set;
 * relevance on one where the rank is unambiguous (equal lengths, different term
 * frequencies), where BM25 and ts_rank must order alike. Whatever the word rules
 * before issue 10 found is still found. Also: migration 0003-search indexes the
 * text messages stored before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchTerms } from '../domain/search-text';
import type { SearchQuery, Store } from '../ports/store';
import type { Database } from './db-schema';
import type { StoreDialect } from './dialect';
import { KyselyStore } from './kysely-store';
import { searchMigration } from './migrations/0003-search';
import { createPostgresDb } from './postgres/create-postgres-db';
import { postgresDialect } from './postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from './postgres/test-database';
import { createSqliteDb } from './sqlite/create-sqlite-db';
import { sqliteDialect } from './sqlite/sqlite-dialect';

const available = await requirePostgres();

interface Opened {
  name: string;
  store: Store;
  db: Kysely<Database>;
  dialect: StoreDialect;
}

/** A small deterministic PRNG (mulberry32), so both stores get the same data on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY = [
  'Parley',
  'parliament',
  'release',
  'released',
  'résumé',
  'resume',
  'search',
  'searching',
  'index',
  'indexes',
  'deploy',
  'Deployment',
  'postgres',
  'sqlite',
  'fts5',
  'v2',
  'café',
  'naïve',
  'Σοφος',
  '日本語',
  'don’t',
  'e-mail',
  'https://example.com/path?q=1',
  'user@example.org',
  'C++',
  'x_y',
  '北京',
  '我们明天去北京吃烤鸭',
  '東京タワーに行きました',
  'ﾀﾜｰ',
  'ฉันจะไปกรุงเทพพรุ่งนี้',
  'ข้าวผัด',
  'Überprüfung',
  'Straße',
  'crème brûlée',
  'Tiếng Việt',
  'Đà Nẵng',
  'iPhone用のケース',
  '🎉🍣',
  'Ærøskøbing',
  '서울에서',
  'ＦＵＬＬ',
];

const T0 = 1_800_000_000_000;
const users = ['u_alice', 'u_bob', 'u_carol', 'u_dave'];
const conversations = ['c_one', 'c_two', 'c_three'];

/** Loads the data set; returns nothing the test needs besides the stores' contents. */
async function load(store: Store): Promise<void> {
  for (const [i, id] of users.entries()) {
    await store.createUser({ id, username: `user${i}`, displayName: id, passwordHash: 'x', createdAt: T0 });
  }
  const members = {
    c_one: ['u_alice', 'u_bob', 'u_carol'],
    c_two: ['u_alice', 'u_bob'],
    c_three: ['u_carol', 'u_dave'],
  } as const;
  for (const id of conversations) {
    await store.createConversation(
      { id, kind: 'group', title: id, directKey: null, createdAt: T0 },
      members[id as keyof typeof members].map((userId, index) => ({
        userId,
        role: index === 0 ? ('owner' as const) : ('member' as const),
      })),
    );
  }
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const ids: string[] = [];
  for (let i = 0; i < 240; i += 1) {
    const conversationId = pick(conversations);
    const senderId = pick(members[conversationId as keyof typeof members]);
    const length = 1 + Math.floor(next() * 8);
    const text = Array.from({ length }, () => pick(VOCABULARY)).join(pick([' ', ', ', '. ', ' - ']));
    // Several messages share a millisecond, so the seq/id tie-breaks are exercised.
    const createdAt = T0 + Math.floor(i / 3) * 1000;
    const id = `m_${i.toString().padStart(4, '0')}`;
    await store.appendMessage({
      id,
      conversationId,
      senderId,
      clientId: `k_${i}`,
      content: { type: 'text', text },
      createdAt,
    });
    ids.push(id);
  }
  for (let i = 0; i < 240; i += 17) await store.editMessage(ids[i]!, 'edited search release', undefined, T0 + 1e6, 1);
  for (let i = 5; i < 240; i += 23) await store.deleteMessage(ids[i]!, T0 + 1e6, 1);
  // Bob leaves the first conversation: he must stop finding its messages.
  await store.removeMember('c_one', 'u_bob');
}

/** The queries as people type them (before issue 10, the same strings were the terms). */
const OLD_QUERIES = [
  'parl',
  'parley',
  'release',
  'released',
  're',
  'résumé',
  'resume',
  'search release',
  'index deploy',
  'σοφοσ',
  '日本',
  'don',
  't',
  'example com',
  'user org',
  'c',
  'x y',
  'fts5',
  'v2 café naïve',
  'edited',
  'nothing',
];
const NEW_QUERIES = [
  '北京',
  'タワー',
  '京',
  '鸭',
  '北京烤鸭',
  'ﾀﾜｰ',
  'uberprufung',
  'Überprüfung',
  'strasse',
  'creme brulee',
  'tieng viet',
  'da nang',
  'กรุงเทพ',
  'ข้าว',
  'iphone用',
  'ケース',
  'aeroskobing',
  '서울',
  'full',
];

const QUERIES: Omit<SearchQuery, 'sort' | 'offset' | 'limit'>[] = [];
for (const userId of users) {
  for (const query of [...OLD_QUERIES, ...NEW_QUERIES]) QUERIES.push({ userId, terms: parseSearchTerms(query) });
  QUERIES.push({ userId, terms: ['re'], conversationId: 'c_two' });
  QUERIES.push({ userId, terms: ['search'], senderId: 'u_carol' });
  QUERIES.push({ userId, terms: ['s'], from: T0 + 20_000, to: T0 + 50_000 });
}

/** The word rules before issue 10: words NFC and lower case, diacritics kept, no pairs. */
const OLD_WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
function oldWords(text: string): string[] {
  return [...text.matchAll(OLD_WORD)].map((match) => match[0].normalize('NFC').toLowerCase().replaceAll('ς', 'σ'));
}
function oldTerms(query: string): string[] {
  const distinct = [...new Set(oldWords(query))];
  return distinct.filter((term) => !distinct.some((other) => other !== term && other.startsWith(term))).slice(0, 8);
}
function oldMatches(text: string, query: string): boolean {
  const words = oldWords(text);
  const terms = oldTerms(query);
  return terms.length > 0 && terms.every((term) => words.some((word) => word.startsWith(term)));
}

async function openSqlite(dir: string): Promise<Opened> {
  const db = createSqliteDb({ path: join(dir, 'search.db'), synchronous: 'normal' });
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

describe.runIf(available)('search on SQLite and PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-search-'));
  const schema = randomSchemaName('search');
  let sqlite: Opened;
  let postgres: Opened;

  beforeAll(async () => {
    sqlite = await openSqlite(dir);
    postgres = await openPostgres(schema);
    await load(sqlite.store);
    await load(postgres.store);
  }, 60_000);

  afterAll(async () => {
    await sqlite?.store.close();
    await postgres?.store.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = async (opened: Opened, query: SearchQuery): Promise<string[]> =>
    (await opened.store.searchMessages(query)).map((m) => m.id);

  it('returns the same ids in the same order, newest first, page by page', async () => {
    let nonEmpty = 0;
    for (const query of QUERIES) {
      const full: SearchQuery = { ...query, sort: 'recent', offset: 0, limit: 500 };
      const expected = await ids(sqlite, full);
      expect(await ids(postgres, full), JSON.stringify(query)).toEqual(expected);
      if (expected.length > 0) nonEmpty += 1;
      // Pages of 7 put together give the same list.
      const paged: string[] = [];
      for (let offset = 0; offset < expected.length + 7; offset += 7) {
        const page = await ids(postgres, { ...full, offset, limit: 7 });
        expect(await ids(sqlite, { ...full, offset, limit: 7 })).toEqual(page);
        paged.push(...page);
      }
      expect(paged).toEqual(expected);
    }
    // The data set is not degenerate: most queries find something.
    expect(nonEmpty).toBeGreaterThan(QUERIES.length / 2);
  });

  it('still finds everything the word rules before issue 10 found', async () => {
    let compared = 0;
    for (const userId of users) {
      const readable = await sqlite.db
        .selectFrom('messages as m')
        .innerJoin('members as mb', (join) =>
          join.onRef('mb.conversation_id', '=', 'm.conversation_id').on('mb.user_id', '=', userId),
        )
        .select(['m.id', 'm.content'])
        .where('m.kind', '=', 'message')
        .where('m.deleted_at', 'is', null)
        .execute();
      for (const query of [...OLD_QUERIES, ...NEW_QUERIES]) {
        const before = readable
          .filter((row) => oldMatches((JSON.parse(row.content) as { text: string }).text, query))
          .map((row) => row.id);
        const full: SearchQuery = { userId, terms: parseSearchTerms(query), sort: 'recent', offset: 0, limit: 500 };
        for (const opened of [sqlite, postgres]) {
          const now = await ids(opened, full);
          expect(
            before.filter((id) => !now.includes(id)),
            `${opened.name} ${userId} ${query}`,
          ).toEqual([]);
        }
        compared += before.length;
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('never finds deleted text, edited-away text or conversations the user left', async () => {
    for (const opened of [sqlite, postgres]) {
      const base = { sort: 'recent' as const, offset: 0, limit: 500 };
      const all = await opened.store.searchMessages({ ...base, userId: 'u_bob', terms: ['edited'] });
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((m) => m.conversationId === 'c_two')).toBe(true);
      for (const userId of users) {
        for (const terms of [['s'], ['p'], ['r'], ['e']]) {
          for (const message of await opened.store.searchMessages({ ...base, userId, terms })) {
            expect(message.content.type).toBe('text');
            expect(message.deletedAt).toBeUndefined();
          }
        }
      }
    }
  });

  it('ranks alike where the rank is unambiguous', async () => {
    // Six words each; the number of times a word appears decides; ties go to the newest.
    const docs = [
      'kiwi pear plum fig lime date',
      'kiwi kiwi kiwi fig lime date',
      'kiwi kiwi plum fig lime date',
      'pear pear pear pear kiwi date',
      'kiwi pear pear fig lime date',
      'kiwi kiwi kiwi kiwi lime date',
      'lime lime lime lime lime lime',
    ];
    for (const opened of [sqlite, postgres]) {
      for (const [i, text] of docs.entries()) {
        await opened.store.appendMessage({
          id: `r_${i}`,
          conversationId: 'c_three',
          senderId: 'u_dave',
          clientId: `r_${i}`,
          content: { type: 'text', text },
          createdAt: T0 + 10_000_000 + i * 1000,
        });
      }
    }
    for (const terms of [['kiwi'], ['pear'], ['lime'], ['plum'], ['fig'], ['date']]) {
      const query: SearchQuery = { userId: 'u_dave', terms, sort: 'relevance', offset: 0, limit: 50 };
      const expected = await ids(sqlite, query);
      expect(await ids(postgres, query), terms.join(' ')).toEqual(expected);
    }
    const kiwi = await ids(sqlite, { userId: 'u_dave', terms: ['kiwi'], sort: 'relevance', offset: 0, limit: 50 });
    expect(kiwi).toEqual(['r_5', 'r_1', 'r_2', 'r_4', 'r_3', 'r_0']);
  });

  it('migration 0003-search indexes the text messages stored before it', async () => {
    for (const opened of [sqlite, postgres]) {
      const probe = { userId: 'u_alice', terms: ['zanzibar'], sort: 'recent' as const, offset: 0, limit: 10 };
      // Written behind the index's back, as a release before 0003-search would have.
      await opened.db
        .insertInto('messages')
        .values({
          id: 'm_legacy',
          conversation_id: 'c_two',
          seq: 100_000,
          sender_id: 'u_bob',
          client_id: 'legacy',
          content: JSON.stringify({ type: 'text', text: 'Zanzibar zebra' }),
          created_at: T0,
        })
        .execute();
      expect(await ids(opened, probe)).toEqual([]);
      const before = await ids(opened, { ...probe, terms: ['s'], limit: 500 });
      const migration = searchMigration(opened.dialect);
      await migration.down!(opened.db as Kysely<unknown>);
      await migration.up(opened.db as Kysely<unknown>);
      expect(await ids(opened, probe)).toEqual(['m_legacy']);
      // Everything else is indexed as before: no deleted or edited-away text came back.
      expect(await ids(opened, { ...probe, terms: ['s'], limit: 500 })).toEqual(before);
    }
  });
});
