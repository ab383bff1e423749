import { fstatSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Database } from '../db-schema';
import { MainThreadSqliteDialect } from './main-thread-dialect';
import { openStoreFile } from './open-store-file';
import { WalSyncer } from './wal-syncer';

/** An fdatasync the test releases by hand, recording the inode of each file it was asked to sync. */
function gatedFlush() {
  const inodes: number[] = [];
  const gates: (() => void)[] = [];
  const flush = (fd: number) => {
    inodes.push(fstatSync(fd).ino);
    return new Promise<void>((resolve) => gates.push(resolve));
  };
  const open = async () => {
    while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    gates.shift()?.();
  };
  return { flush, inodes, open, waiting: () => gates.length };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  return done;
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-wal-'));
  file = path.join(dir, 'parley.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('answers a sync only after an fdatasync that began after it, and lets waiting commits share one', async () => {
  writeFileSync(`${file}-wal`, 'frames');
  const gate = gatedFlush();
  const syncer = new WalSyncer(file, gate.flush);
  const first = syncer.sync();
  // These commits came while the first fdatasync ran: it may predate them.
  const later = [syncer.sync(), syncer.sync(), syncer.sync()];
  await gate.open();
  await first;
  expect(await settled(Promise.all(later))).toBe(false);
  await gate.open();
  await Promise.all(later);
  expect(syncer.stats).toEqual({ syncs: 2, requests: 4, opens: 1 });
  await syncer.close();
});

it('syncs the write-ahead log SQLite writes to, and follows it when SQLite replaces the file', async () => {
  writeFileSync(`${file}-wal`, 'frames');
  const syncer = new WalSyncer(file, () => Promise.resolve());
  await syncer.sync();
  rmSync(`${file}-wal`);
  writeFileSync(`${file}-wal`, 'new frames'); // a new inode, as when SQLite recreates it
  await syncer.sync();
  expect(syncer.stats.opens).toBe(2);
  rmSync(`${file}-wal`);
  writeFileSync(file, 'database');
  await syncer.sync(); // no WAL: the database file itself
  expect(syncer.stats.opens).toBe(3);
  await syncer.close();
});

it('stays failed after an fdatasync fails: no later write is acknowledged', async () => {
  writeFileSync(`${file}-wal`, 'frames');
  const syncer = new WalSyncer(file, () => Promise.reject(new Error('EIO')));
  await expect(syncer.sync()).rejects.toThrow(/write-ahead log failed/);
  await expect(syncer.sync()).rejects.toThrow(/write-ahead log failed/);
  expect(syncer.stats.syncs).toBe(1);
  await syncer.close();
});

it('answers a write after the WAL is synced, and lets other queries use the connection meanwhile', async () => {
  const gate = gatedFlush();
  const syncer = new WalSyncer(file, gate.flush);
  const database = openStoreFile({ path: file, synchronous: 'normal' });
  const db = new Kysely<Database>({ dialect: new MainThreadSqliteDialect({ database }, syncer) });
  try {
    const create = sql`create table t (k text primary key)`.execute(db);
    await gate.open();
    await create;
    const before = { ...syncer.stats };

    const write = db.transaction().execute((trx) => sql`insert into t (k) values ('a')`.execute(trx));
    expect(await settled(write)).toBe(false);
    // Committed but not yet durable: the connection is free for others (a read sees the row).
    const rows = await sql<{ k: string }>`select k from t`.execute(db);
    expect(rows.rows).toEqual([{ k: 'a' }]);
    expect(gate.inodes.at(-1)).toBe(statSync(`${file}-wal`).ino);
    await gate.open();
    await write;
    // One sync for the transaction, none for the read.
    expect(syncer.stats.requests - before.requests).toBe(1);

    const autocommit = sql`insert into t (k) values ('b')`.execute(db);
    expect(await settled(autocommit)).toBe(false);
    await gate.open();
    await autocommit;
    expect(syncer.stats.requests - before.requests).toBe(2);
  } finally {
    while (gate.waiting() > 0) await gate.open();
    await db.destroy();
  }
});

it('gives the connection to waiting queries in the order they asked', async () => {
  const database = openStoreFile({ path: file, synchronous: 'normal' });
  const db = new Kysely<Database>({ dialect: new MainThreadSqliteDialect({ database }) });
  try {
    await sql`create table t (k integer primary key)`.execute(db);
    const order: number[] = [];
    // A transaction holds the connection while 50 statements queue behind it.
    let release = () => {};
    const held = db.transaction().execute(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const queued = Array.from({ length: 50 }, (_, i) =>
      sql`insert into t (k) values (${i})`.execute(db).then(() => order.push(i)),
    );
    release();
    await Promise.all([held, ...queued]);
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
  } finally {
    await db.destroy();
  }
});
