import { silentLogger } from '../observability/logger';
import { rateLimiterContract } from './rate-limiter.contract';
import { createMemoryRateLimiter } from './rate-limiter-memory';

rateLimiterContract('memory', {
  shared: false,
  make: (rules) => Promise.resolve(createMemoryRateLimiter(rules, silentLogger())),
});
