/**
 * The rate limits of a single node: counters in this process's memory (each
 * expires with its window). Enough wherever one process serves every client.
 */
import type { Logger } from '../ports/logger';
import type { RateLimiter, RateLimitRules } from '../ports/rate-limiter';
import { FlexibleRateLimiter, memoryLimiter } from './flexible-limiter';

export function createMemoryRateLimiter(rules: RateLimitRules, logger: Logger): RateLimiter {
  return new FlexibleRateLimiter(
    {
      auth: memoryLimiter('auth', rules.auth),
      membership: memoryLimiter('membership', rules.membership),
      directory: memoryLimiter('directory', rules.directory),
      incomingWebhook: memoryLimiter('incomingWebhook', rules.incomingWebhook),
      keyPackages: memoryLimiter('keyPackages', rules.keyPackages),
      interaction: memoryLimiter('interaction', rules.interaction),
      assistant: memoryLimiter('assistant', rules.assistant),
      export: memoryLimiter('export', rules.export),
    },
    rules,
    logger,
  );
}
