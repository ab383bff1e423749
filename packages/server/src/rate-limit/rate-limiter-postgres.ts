/**
 * The rate limits of a cluster: counters in the `rate_limits` table (migration
 * 0013) of the PostgreSQL database every node shares, each take one atomic
 * upsert, so a budget holds whichever node an attempt reaches. A key refused as
 * many times again as its budget is then refused from this node's memory until
 * its window ends, so a flood from one address stops costing round trips (and
 * stops queueing everyone else's attempts behind it on the small pool). Owns that
 * pool (the store's is not shared) and a timer deleting expired rows.
 */
import pg from 'pg';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { Logger } from '../ports/logger';
import type { RateLimiter, RateLimitName, RateLimitRule, RateLimitRules } from '../ports/rate-limiter';
import { FlexibleRateLimiter } from './flexible-limiter';

export interface PostgresRateLimiterOptions {
  databaseUrl: string;
  /** The store's schema (its migrations created the table there). */
  schema: string;
  rules: RateLimitRules;
  logger: Logger;
  /** Connections of the limiter's own pool. */
  maxConnections?: number;
  /** How often expired rows are deleted. */
  cleanupIntervalMs?: number;
}

export const RATE_LIMIT_TABLE = 'rate_limits';
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export function createPostgresRateLimiter(options: PostgresRateLimiterOptions): RateLimiter {
  if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid PostgreSQL schema name "${options.schema}"`);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.maxConnections ?? 4,
    options: `-c search_path=${options.schema}`,
  });
  pool.on('error', (error) => options.logger.warn({ err: error }, 'rate limit pool: idle client error'));
  const limiter = (name: RateLimitName, rule: RateLimitRule) =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix: name,
      points: rule.points,
      duration: rule.durationMs / 1000,
      // Exact, not a guess: at most `points` allowed attempts can still be pending and
      // give their point back, so from 2 * points + 1 taken the key stays past its
      // budget until the window ends, whatever any node does meanwhile.
      inMemoryBlockOnConsumed: 2 * rule.points + 1,
    });
  const cleanup = setInterval(() => {
    pool
      .query(`delete from ${RATE_LIMIT_TABLE} where expire < $1`, [Date.now() - 60_000])
      .catch((error: unknown) => options.logger.warn({ err: error }, 'rate limit cleanup failed'));
  }, options.cleanupIntervalMs ?? 300_000);
  cleanup.unref();
  return new FlexibleRateLimiter(
    {
      auth: limiter('auth', options.rules.auth),
      membership: limiter('membership', options.rules.membership),
      directory: limiter('directory', options.rules.directory),
      incomingWebhook: limiter('incomingWebhook', options.rules.incomingWebhook),
      keyPackages: limiter('keyPackages', options.rules.keyPackages),
      interaction: limiter('interaction', options.rules.interaction),
      assistant: limiter('assistant', options.rules.assistant),
      export: limiter('export', options.rules.export),
    },
    options.rules,
    options.logger,
    async () => {
      clearInterval(cleanup);
      await pool.end();
    },
  );
}
