/**
 * The browser suite (packages/web/e2e/*.e2e.ts): real server, real Chromium. Run
 * by `npm run test:e2e`, which builds the web app first; kept out of the unit run.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/web/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
  },
});
