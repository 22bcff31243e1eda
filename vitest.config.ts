import { defineConfig } from 'vitest/config';

// Real processes and sockets in many tests: forks isolate native addons (zeromq), two at a
// time fit the 2-core machines, and generous timeouts cover process start-up, not load.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'deploy/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
