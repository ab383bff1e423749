/**
 * The PostgreSQL connection settings: schema created and used as search_path,
 * BIGINT parsed to number (and refused beyond 2^53), schema names checked.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { assertSchemaName, createPostgresDb } from './create-postgres-db';
import { postgresDialect } from './postgres-dialect';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from './test-database';

const available = await requirePostgres();

describe('assertSchemaName', () => {
  it('accepts plain lower-case identifiers only', () => {
    expect(() => assertSchemaName('public')).not.toThrow();
    expect(() => assertSchemaName('parley_2')).not.toThrow();
    for (const bad of ['', 'Upper', 'a-b', 'x"; drop', '1abc', 'a'.repeat(64)]) {
      expect(() => assertSchemaName(bad)).toThrow(/schema name/);
    }
  });
});

describe.runIf(available)('createPostgresDb', () => {
  it('creates the schema, sets search_path, and returns BIGINT as number', async () => {
    const schema = randomSchemaName('pgdb');
    const db = await createPostgresDb({ databaseUrl: pgTestUrl(), schema });
    try {
      const { rows } = await sql<{ path: string; big: number; count: number }>`
        select current_schema() as path, 1700000000000::bigint as big, count(*) as count from (values (1), (2)) v`.execute(
        db,
      );
      expect(rows[0]).toEqual({ path: schema, big: 1_700_000_000_000, count: 2 });
      await expect(sql`select 9007199254740993::bigint as n`.execute(db)).rejects.toThrow(RangeError);

      await sql`create table t (k text primary key)`.execute(db);
      await sql`insert into t values ('a')`.execute(db);
      const unique = await sql`insert into t values ('a')`.execute(db).catch((e: unknown) => e);
      const missing = await sql`select * from nowhere`.execute(db).catch((e: unknown) => e);
      expect(postgresDialect(schema).isUniqueViolation(unique)).toBe(true);
      expect(postgresDialect(schema).isUniqueViolation(missing)).toBe(false);
    } finally {
      await db.destroy();
      await dropSchema(schema);
    }
  });
});
