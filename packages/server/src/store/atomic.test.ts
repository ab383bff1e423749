import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { atomic } from './atomic';
import type { Database as Schema } from './db-schema';
import { openSqlite } from './sqlite/open-sqlite';

let db: Kysely<Schema>;
afterEach(() => db.destroy());

const insert = (trx: Kysely<Schema>, k: string) => sql`insert into t (k) values (${k})`.execute(trx);
const keys = async () => (await sql<{ k: string }>`select k from t order by k`.execute(db)).rows.map((r) => r.k);

// Every savepoint has the same name: nesting must still undo exactly the innermost section.
it('undoes only the section that failed, however deeply sections nest', async () => {
  db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: openSqlite(':memory:') }) });
  await sql`create table t (k text primary key)`.execute(db);
  await atomic(db, async (outer) => {
    await insert(outer, 'a');
    await atomic(outer, async (middle) => {
      await insert(middle, 'b');
      await expect(
        atomic(middle, async (inner) => {
          await insert(inner, 'c');
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await insert(middle, 'd');
    });
    await expect(
      atomic(outer, async (second) => {
        await insert(second, 'e');
        await atomic(second, (deeper) => insert(deeper, 'f'));
        throw new Error('second fails');
      }),
    ).rejects.toThrow('second fails');
    await insert(outer, 'g');
  });
  expect(await keys()).toEqual(['a', 'b', 'd', 'g']);
});
