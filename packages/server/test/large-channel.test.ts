/**
 * A channel with 100,000 members accepts a post with the same work as a channel
 * with 10, on SQLite and on PostgreSQL: the store's statements are counted by a
 * Kysely plugin installed on the server's own store, and a post (through the
 * WebSocket gateway, the service and the store) into either channel must issue the
 * same statements, read the same number of rows and write the same number of rows.
 * On SQLite the post's statements are also explained: none may scan a table.
 * Fan-out goes by subscription: only the members connected get a frame. No timing
 * is asserted (bench/ measures).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, Message } from '@parley/protocol';
import {
  SqliteQueryCompiler,
  type CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '../src';
import { silentLogger } from '../src/observability/logger';
import type { NewMember } from '../src/ports/store';
import type { Database } from '../src/store/db-schema';
import { KyselyStore } from '../src/store/kysely-store';
import type { StoreDialect } from '../src/store/dialect';
import { createPostgresDb } from '../src/store/postgres/create-postgres-db';
import { postgresDialect } from '../src/store/postgres/postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import { createSqliteDb } from '../src/store/sqlite/create-sqlite-db';
import { openSqlite } from '../src/store/sqlite/open-sqlite';
import { sqliteDialect } from '../src/store/sqlite/sqlite-dialect';
import { http, RawClient, registerUser } from './harness';

const BIG = 100_000;
const SMALL = 10;

/** Counts what the store asks of the database: statements by kind, rows read and rows written. */
class StatementCounter implements KyselyPlugin {
  statements: string[] = [];
  rowsRead = 0;
  rowsWritten = 0;
  /** The SQL of each statement, to ask SQLite how it runs them. */
  queries: CompiledQuery[] = [];
  private readonly kinds = new Map<unknown, string>();

  /** With a compiler, it also keeps each statement's SQL (to ask the database for its plan). */
  constructor(private readonly compiler?: SqliteQueryCompiler) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.kinds.set(args.queryId, args.node.kind);
    if (this.compiler) this.queries.push(this.compiler.compileQuery(args.node, args.queryId));
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const kind = this.kinds.get(args.queryId) ?? 'unknown';
    this.kinds.delete(args.queryId);
    const { result } = args;
    const written = result.numAffectedRows === undefined ? 0 : Number(result.numAffectedRows);
    this.statements.push(kind);
    // Rows returned (selects, RETURNING) and rows changed (inserts, updates, deletes, raw writes).
    this.rowsRead += result.rows.length;
    this.rowsWritten += written;
    return Promise.resolve(result);
  }

  reset(): void {
    this.queries = [];
    this.statements = [];
    this.rowsRead = 0;
    this.rowsWritten = 0;
  }

  snapshot(): { statements: string[]; rowsRead: number; rowsWritten: number } {
    return { statements: [...this.statements].sort(), rowsRead: this.rowsRead, rowsWritten: this.rowsWritten };
  }
}

interface Opened {
  db: Kysely<Database>;
  dialect: StoreDialect;
  counter: StatementCounter;
  /** The database's plan lines for statements (SQLite); undefined where plans are not checked. */
  explain?: (queries: readonly CompiledQuery[]) => { sql: string; detail: string }[];
  cleanup(): Promise<void>;
}

interface Running {
  db: Kysely<Database>;
  store: KyselyStore;
  server: RunningServer;
}

function openSqliteBackend(dataDir: string): Promise<Opened> {
  const sqlitePath = path.join(dataDir, 'parley.db');
  const counter = new StatementCounter(new SqliteQueryCompiler());
  return Promise.resolve({
    db: createSqliteDb({ path: sqlitePath, synchronous: 'normal' }).withPlugin(counter),
    dialect: sqliteDialect,
    counter,
    explain: (queries) => explainSqlite(sqlitePath, queries),
    cleanup: () => Promise.resolve(),
  });
}

async function openPostgresBackend(): Promise<Opened> {
  const schema = randomSchemaName('large');
  const counter = new StatementCounter();
  // PostgreSQL plans small tables with sequential scans on purpose: only counts are compared there.
  return {
    db: (await createPostgresDb({ databaseUrl: pgTestUrl(), schema })).withPlugin(counter),
    dialect: postgresDialect(schema),
    counter,
    cleanup: () => dropSchema(schema),
  };
}

const postgresAvailable = await requirePostgres();

for (const [name, open, enabled] of [
  ['sqlite', openSqliteBackend, true],
  ['postgres', () => openPostgresBackend(), postgresAvailable],
] as const) {
  describe.runIf(enabled)(`a channel with 100,000 members (${name})`, () => {
    let dataDir = '';
    let opened: Opened | undefined;
    let running: Running | undefined;

    beforeAll(async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'parley-large-'));
      opened = await open(dataDir);
      const store = new KyselyStore(opened.db, opened.dialect);
      await store.migrate();
      const sqlitePath = path.join(dataDir, 'parley.db');
      const config = loadConfig(
        {},
        {
          port: 0,
          host: '127.0.0.1',
          dataDir,
          sqlitePath,
          logLevel: 'silent',
          xmppPort: -1,
          callSweepMs: 60_000,
          jobPollMs: 60_000,
          // Dispatched at once, as the relay publishes: with a delay either may take the entry
          // first, and the relay going first writes one more row (it marks the entry published).
          dispatchDelayMs: 0,
        },
      );
      // The server runs on this store (whatever the config says), so the counter sees its statements.
      // Work on timers could land in either measurement, so it is kept out of this test's way: the
      // outbox relay's sweep and batched deletes, the call sweep, and the polls of the dispatcher and
      // the job runner (they still run when this node's commits nudge them: that is part of a post).
      const relay = { sweepIntervalMs: 0, deleteAfterMs: 10 * 60_000 };
      running = { db: opened.db, store, server: await startServer(config, { logger: silentLogger(), store, relay }) };
    }, 120_000);

    afterAll(async () => {
      await running?.server.stop();
      await opened?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('accepts a post with the same statements and rows as a 10-member channel, and fans out only to connected members', async () => {
      await postIntoLargeChannel(running!, opened!);
    }, 180_000);
  });
}

/** Users that never log in: written in bulk (fixture data), 500 rows a statement. */
async function bulkUsers({ db }: Running, prefix: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `u_${prefix}${i}`);
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < ids.length; i += 500) {
      await tx
        .insertInto('users')
        .values(
          ids.slice(i, i + 500).map((id) => ({
            id,
            username: id.slice(2).toLowerCase(),
            display_name: id,
            password_hash: 'x',
            created_at: 1,
            last_seen_at: null,
            avatar_url: null,
            status_text: null,
          })),
        )
        .execute();
    }
  });
  return ids;
}

async function channel(
  { store }: Running,
  owner: AuthResponse,
  connected: AuthResponse[],
  others: string[],
): Promise<string> {
  const id = `c_large${Math.random().toString(36).slice(2, 10)}`;
  await store.createConversation(
    { id, kind: 'channel', title: id, directKey: null, createdAt: Date.now(), visibility: 'public' },
    [{ userId: owner.user.id, role: 'owner' }],
  );
  const members: NewMember[] = [...connected.map((u) => u.user.id), ...others].map((userId) => ({
    userId,
    role: 'member',
  }));
  // Through the store, in bulk (it writes in chunks).
  const added = await store.addMembers(id, members, Date.now());
  expect(added).toHaveLength(members.length);
  return id;
}

/** SQLite's plan for each data statement (on a read-only connection of its own). */
function explainSqlite(file: string, queries: readonly CompiledQuery[]): { sql: string; detail: string }[] {
  const reader = openSqlite(file, { readonly: true });
  try {
    return queries
      .filter((query) => /^\s*(select|insert|update|delete|with)\b/i.test(query.sql))
      .flatMap((query) =>
        (reader.prepare(`explain query plan ${query.sql}`).all(query.parameters) as { detail: string }[]).map(
          (row) => ({ sql: query.sql, detail: row.detail }),
        ),
      );
  } finally {
    reader.close();
  }
}

async function post(client: RawClient, conversationId: string, text: string): Promise<Message> {
  const reply = await client.request('message.send', {
    conversationId,
    clientId: `k${Math.random().toString(36).slice(2)}`,
    content: { type: 'text', text },
  });
  if (reply.type !== 'result') throw new Error(`send failed: ${JSON.stringify(reply)}`);
  return (reply.data as { message: Message }).message;
}

async function postIntoLargeChannel(running: Running, opened: Opened): Promise<void> {
  const url = running.server.url;
  const wsUrl = `${url.replace(/^http/, 'ws')}/v1/ws`;
  const owner = await registerUser(url, 'owner');
  const readers = [await registerUser(url, 'reader'), await registerUser(url, 'reader')];
  const offline = await registerUser(url, 'offline');
  const outsider = await registerUser(url, 'outsider');

  const bigOthers = await bulkUsers(running, 'big', BIG - readers.length - 2);
  const smallOthers = await bulkUsers(running, 'small', SMALL - readers.length - 2);
  const big = await channel(running, owner, readers, [offline.user.id, ...bigOthers]);
  const small = await channel(running, owner, readers, [offline.user.id, ...smallOthers]);
  for (const [id, size] of [
    [big, BIG],
    [small, SMALL],
  ] as const) {
    const res = await http<{ conversation: { memberCount: number; members: unknown[] } }>(
      url,
      'GET',
      `/v1/conversations/${id}`,
      { token: owner.token },
    );
    expect(res.body.conversation).toMatchObject({ memberCount: size, members: [] });
  }

  const poster = await RawClient.authed(wsUrl, owner.token);
  const listeners = await Promise.all(readers.map((r) => RawClient.authed(wsUrl, r.token)));
  const stranger = await RawClient.authed(wsUrl, outsider.token);
  try {
    // Warm up both channels (first post, prepared statements), then measure the second post of each.
    await post(poster, big, 'warm up');
    await post(poster, small, 'warm up');
    await Promise.all(listeners.map((l) => l.event('message.new')));
    await Promise.all(listeners.map((l) => l.event('message.new')));

    // A post's work goes on after its ack: the dispatcher takes its entry out of the outbox for the
    // durable consumers (ADR 0011), nudged by the commit. Measure until the store has been quiet.
    const quiet = async () => {
      for (let seen = -1; seen !== opened.counter.statements.length;) {
        seen = opened.counter.statements.length;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    await quiet();
    let bigQueries: CompiledQuery[] = [];
    const measure = async (conversationId: string, text: string) => {
      opened.counter.reset();
      const message = await post(poster, conversationId, text);
      for (const listener of listeners) {
        const frame = await listener.event('message.new');
        expect(frame.type === 'message.new' && frame.data.message.id).toBe(message.id);
      }
      await quiet();
      if (conversationId === big) bigQueries = opened.counter.queries;
      return opened.counter.snapshot();
    };
    const inBig = await measure(big, 'hello to one hundred thousand');
    const inSmall = await measure(small, 'hello to ten');
    expect(inBig.statements.length).toBeGreaterThan(0);
    expect(inBig.rowsWritten).toBeGreaterThan(0);
    expect(inBig).toEqual(inSmall);
    // Equal rows returned could still hide a scan: no statement of the post reads a table whole.
    if (opened.explain) {
      const plans = opened.explain(bigQueries);
      expect(plans.length).toBeGreaterThan(0);
      expect(plans.filter((line) => /^SCAN /.test(line.detail))).toEqual([]);
    }

    // Nobody else got a frame: not the outsider, and the poster only their own echo.
    expect(stranger.frames.filter((f) => f.type === 'message.new')).toEqual([]);
    expect(listeners.flatMap((l) => l.frames.filter((f) => f.type === 'message.new'))).toEqual([]);

    // The member who was offline gets the post by history when they come back (by cursor, not by a row per member).
    const back = await RawClient.authed(wsUrl, offline.token);
    try {
      const page = await back.request('history', { conversationId: big, limit: 10 });
      expect(page.type).toBe('result');
      if (page.type === 'result') {
        const texts = (page.data as { messages: Message[] }).messages
          .filter((m) => m.content.type === 'text')
          .map((m) => (m.content.type === 'text' ? m.content.text : ''));
        expect(texts).toEqual(['warm up', 'hello to one hundred thousand']);
      }
    } finally {
      back.close();
    }
  } finally {
    poster.close();
    for (const l of listeners) l.close();
    stranger.close();
  }
}
