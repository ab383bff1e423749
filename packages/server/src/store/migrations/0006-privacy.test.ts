/**
 * Migration 0006-privacy derives who took part in each conversation from what earlier
 * versions stored (a member's first message, or the `created` / `member.joined` entry they
 * wrote), on SQLite and PostgreSQL: run down, then up again, over data written as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store';
import { newMessage, newUsers, tick, uid } from '../contract/harness';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';
import { KyselyStore } from '../kysely-store';
import { createPostgresDb } from '../postgres/create-postgres-db';
import { postgresDialect } from '../postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../postgres/test-database';
import { createSqliteDb } from '../sqlite/create-sqlite-db';
import { sqliteDialect } from '../sqlite/sqlite-dialect';
import { privacyMigration } from './0006-privacy';

const available = await requirePostgres();
const dir = mkdtempSync(join(tmpdir(), 'parley-0006-'));
const schema = randomSchemaName('m0006');
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (available) await dropSchema(schema);
});

async function check(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const store: Store = new KyselyStore(db, dialect);
  await store.migrate();
  const [owner, added, poster, reactor, joiner, opener, answerer] = await newUsers(store, 7);
  if (!owner || !added || !poster || !reactor || !joiner || !opener || !answerer) throw new Error('fixture');

  // A group as the services wrote it: its creator's `created` entry, then posts and a reaction.
  const group = uid('conv');
  await store.createConversation({ id: group, kind: 'group', title: 'g', directKey: null, createdAt: tick() }, [
    { userId: owner.id, role: 'owner' },
    { userId: added.id, role: 'member' },
    { userId: poster.id, role: 'member' },
    { userId: reactor.id, role: 'member' },
  ]);
  const created = await store.appendMessage({
    ...newMessage(group, owner.id),
    content: { type: 'system', action: 'created', userIds: [added.id, poster.id, reactor.id], title: 'g' },
  });
  const post = await store.appendMessage(newMessage(group, poster.id, 'hello'));
  await store.appendMessage(newMessage(group, poster.id, 'again'));
  await store.appendMessage({
    ...newMessage(group, reactor.id),
    content: { type: 'update', action: 'reaction.added', messageId: post.message.id, emoji: '👍' },
  });
  // A channel someone joined.
  const channel = uid('conv');
  await store.createConversation(
    { id: channel, kind: 'channel', title: 'c', directKey: null, createdAt: tick(), visibility: 'public' },
    [{ userId: owner.id, role: 'owner' }],
  );
  await store.addMembers(channel, [{ userId: joiner.id, role: 'member' }], tick());
  const joined = await store.appendMessage({
    ...newMessage(channel, joiner.id),
    content: { type: 'system', action: 'member.joined', userIds: [joiner.id] },
  });
  // A direct conversation: its opener left no trace; the other answered.
  const direct = uid('conv');
  await store.createConversation(
    {
      id: direct,
      kind: 'direct',
      title: null,
      directKey: [opener.id, answerer.id].sort().join(':'),
      createdAt: tick(),
    },
    [
      { userId: opener.id, role: 'member' },
      { userId: answerer.id, role: 'member' },
    ],
  );
  const answer = await store.appendMessage(newMessage(direct, answerer.id, 'hi'));
  await store.setPresenceVisibility(owner.id, 'nobody');

  const migration = privacyMigration(dialect);
  await migration.down!(db as Kysely<unknown>);
  await migration.up(db as Kysely<unknown>);

  const tookPart = async (conversationId: string, userId: string) =>
    (await store.getMemberRecord(conversationId, userId))?.tookPartAt;
  expect(await tookPart(group, owner.id)).toBe(created.message.createdAt);
  expect(await tookPart(group, poster.id)).toBe(post.message.createdAt);
  expect(await tookPart(group, added.id)).toBeNull();
  expect(await tookPart(group, reactor.id)).toBeNull();
  expect(await tookPart(channel, joiner.id)).toBe(joined.message.createdAt);
  expect(await tookPart(direct, opener.id)).toBeNull();
  expect(await tookPart(direct, answerer.id)).toBe(answer.message.createdAt);
  // Everyone starts with the default setting.
  expect((await store.getUser(owner.id))?.presenceVisibility).toBe('everyone');
  await store.close();
}

describe('migration 0006-privacy', () => {
  it('derives took_part_at on SQLite', async () => {
    await check(createSqliteDb({ path: join(dir, 'm.db'), synchronous: 'normal' }), sqliteDialect);
  });
  it.runIf(available)('derives took_part_at on PostgreSQL', async () => {
    await check(await createPostgresDb({ databaseUrl: pgTestUrl(), schema }), postgresDialect(schema));
  });
});
