/**
 * The PostgreSQL rate limiter: the contract on a migrated schema of its own
 * (limiters made by one factory are nodes of one cluster), and the fallback to
 * this node's memory when PostgreSQL does not answer.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../ports/logger';
import { silentLogger } from '../observability/logger';
import { createStore } from '../store/create-store';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../store/postgres/test-database';
import { rateLimiterContract } from './rate-limiter.contract';
import { createPostgresRateLimiter } from './rate-limiter-postgres';

const available = await requirePostgres();

describe.runIf(available)('postgres rate limiter', () => {
  const schema = randomSchemaName('rl');
  beforeAll(async () => {
    // The store's migrations create the table, as on a real node.
    const store = await createStore({ db: 'postgres', databaseUrl: pgTestUrl(), schema });
    await store.close();
  });
  afterAll(() => dropSchema(schema));

  rateLimiterContract('postgres', {
    shared: true,
    make: (rules) =>
      Promise.resolve(createPostgresRateLimiter({ databaseUrl: pgTestUrl(), schema, rules, logger: silentLogger() })),
  });

  it('refuses a flooding key from memory once it is refused as often again as its budget', async () => {
    const rules = {
      auth: { points: 2, durationMs: 60_000 },
      membership: { points: 2, durationMs: 60_000 },
      directory: { points: 2, durationMs: 60_000 },
      incomingWebhook: { points: 2, durationMs: 60_000 },
      keyPackages: { points: 2, durationMs: 60_000 },
      interaction: { points: 2, durationMs: 60_000 },
      assistant: { points: 2, durationMs: 60_000 },
      export: { points: 2, durationMs: 60_000 },
    };
    const make = () => createPostgresRateLimiter({ databaseUrl: pgTestUrl(), schema, rules, logger: silentLogger() });
    const [one, two] = [make(), make()];
    const client = new pg.Client({ connectionString: pgTestUrl(), options: `-c search_path=${schema}` });
    await client.connect();
    try {
      const decisions = [];
      for (let i = 0; i < 5; i++) decisions.push((await one.take('auth', 'flood')).allowed);
      expect(decisions).toEqual([true, true, false, false, false]);
      // Forget the counter in the database: node one no longer asks it, node two starts afresh.
      await client.query(`delete from rate_limits where key = 'auth:flood'`);
      expect((await one.take('auth', 'flood')).allowed).toBe(false);
      expect((await two.take('auth', 'flood')).allowed).toBe(true);
    } finally {
      await client.end();
      await one.stop();
      await two.stop();
    }
  });

  it('counts on this node, with a warning, while PostgreSQL does not answer', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger(), warn: (fields: unknown) => warnings.push(fields) } as unknown as Logger;
    const rules = {
      auth: { points: 2, durationMs: 60_000 },
      membership: { points: 2, durationMs: 60_000 },
      directory: { points: 2, durationMs: 60_000 },
      incomingWebhook: { points: 2, durationMs: 60_000 },
      keyPackages: { points: 2, durationMs: 60_000 },
      interaction: { points: 2, durationMs: 60_000 },
      assistant: { points: 2, durationMs: 60_000 },
      export: { points: 2, durationMs: 60_000 },
    };
    const limiter = createPostgresRateLimiter({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing',
      schema,
      rules,
      logger,
    });
    try {
      const decisions = [];
      for (let i = 0; i < 3; i++) decisions.push((await limiter.take('auth', 'a')).allowed);
      expect(decisions).toEqual([true, true, false]);
      expect(warnings).toHaveLength(1);
    } finally {
      await limiter.stop();
    }
  });
});
