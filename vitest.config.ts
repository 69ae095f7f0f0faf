import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/**/*.test.ts', 'packages/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    globalSetup: ['apps/server/test/global-setup.ts'],
    // Bounds, not waits (tests wait for conditions): wide enough for a server with its embedded
    // database to start in a hook on a 2-core machine far busier than a bench beside the suite makes it
    // (at a load average of ~18, some of those hooks took over 60 s).
    testTimeout: 30_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent' },
  },
});
