/**
 * Graceful shutdown with many connected users: every user's last-seen time is
 * stored before the store closes, in a few shared commits rather than one fsynced
 * commit per user. Commits are counted at the SQLite connection (explicit COMMITs,
 * plus each write run outside a transaction, which commits on its own), so the test
 * sees the database's work, not the store's intentions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, SqliteDialect, type SqliteStatement } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/store/db-schema';
import { KyselyStore } from '../src/store/kysely-store';
import { openSqlite, type SqliteConnection } from '../src/store/sqlite/open-sqlite';
import { sqliteDialect } from '../src/store/sqlite/sqlite-dialect';
import { newId } from '../src/domain/ids';
import { hashToken, newToken } from '../src/services/tokens';
import { RawClient, startTestServer } from './harness';

const USERS = 200;

/** Counts commits and last-seen writes on one SQLite connection. */
class CommitCounter {
  commits = 0;
  lastSeenWrites = 0;
  private inTransaction = false;

  wrap(connection: SqliteConnection): SqliteConnection {
    return {
      driver: connection.driver,
      exec: (sql) => connection.exec(sql),
      close: () => connection.close(),
      prepare: (sql) => this.watch(sql, connection.prepare(sql)),
    };
  }

  reset(): void {
    this.commits = 0;
    this.lastSeenWrites = 0;
  }

  private watch(sql: string, statement: SqliteStatement): SqliteStatement {
    const note = () => this.note(sql);
    return {
      reader: statement.reader,
      all: (parameters) => {
        note();
        return statement.all(parameters);
      },
      run: (parameters) => {
        note();
        return statement.run(parameters);
      },
      iterate: (parameters) => {
        note();
        return statement.iterate(parameters);
      },
    };
  }

  private note(sql: string): void {
    const text = sql.trim().toLowerCase();
    if (text.startsWith('begin')) this.inTransaction = true;
    else if (text.startsWith('commit')) {
      this.inTransaction = false;
      this.commits += 1;
    } else if (text.startsWith('rollback') && !text.includes(' to ')) this.inTransaction = false;
    else if (!this.inTransaction && /^(insert|update|delete|replace)\b/.test(text)) this.commits += 1;
    if (/^update "users" set "last_seen_at"/.test(text)) this.lastSeenWrites += 1;
  }
}

describe('graceful shutdown', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it(`stores the last seen of ${USERS} disconnecting users in a few shared commits`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-shutdown-'));
    dirs.push(dir);
    const file = path.join(dir, 'parley.db');
    const counter = new CommitCounter();
    const connection = openSqlite(file);
    connection.exec('pragma journal_mode = WAL');
    connection.exec('pragma synchronous = FULL');
    connection.exec('pragma foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: counter.wrap(connection) }) });
    const store = new KyselyStore(db, sqliteDialect);
    await store.migrate();
    const t = await startTestServer({}, { store: () => Promise.resolve(store) });

    // Accounts and sessions straight into the store: hashing 200 passwords would only slow the test.
    const users: { id: string; token: string }[] = [];
    const now = Date.now();
    await store.transaction(async (tx) => {
      for (let i = 0; i < USERS; i += 1) {
        const id = newId('u', now);
        await tx.createUser({
          id,
          username: `bye${i}`,
          displayName: `Bye ${i}`,
          passwordHash: 'unused',
          createdAt: now,
        });
        const token = newToken();
        await tx.createSession({
          id: newId('s', now),
          userId: id,
          tokenHash: hashToken(token),
          deviceName: 'test',
          createdAt: now,
          lastSeenAt: now,
          expiresAt: now + 3_600_000,
        });
        users.push({ id, token });
      }
    });
    const clients = await Promise.all(users.map((user) => RawClient.authed(t.wsUrl, user.token)));
    const before = Date.now();
    counter.reset();
    await t.stop();

    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(new Set(closes.map((close) => close.code))).toEqual(new Set([1012]));
    expect(counter.lastSeenWrites).toBe(USERS);
    // One commit per batch of up to 256 writes (group commit), plus a little slack for
    // other writes; one commit per user before.
    expect(counter.commits).toBeLessThanOrEqual(Math.ceil(USERS / 256) + 2);

    const check = openSqlite(file, { readonly: true });
    try {
      const ids = users.map((user) => user.id);
      const rows = check
        .prepare(`select id, last_seen_at from users where id in (${ids.map(() => '?').join(',')})`)
        .all(ids) as { id: string; last_seen_at: number | null }[];
      expect(rows).toHaveLength(USERS);
      for (const row of rows) expect(row.last_seen_at).toBeGreaterThanOrEqual(before);
    } finally {
      check.close();
    }
  }, 120_000);
});
