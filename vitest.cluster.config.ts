/**
 * The cluster suite (packages/server/test/cluster/*.test.ts): three real `parley
 * start` processes on PostgreSQL and a private NATS, behind Debian's haproxy. Run
 * by `npm run test:cluster` (a step of `npm test`); kept out of the unit run
 * because each file starts its own cluster. One file at a time: three nodes are
 * already more processes than a small CI machine has cores.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/server/test/cluster/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
