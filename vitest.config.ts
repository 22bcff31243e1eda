import { defineConfig } from 'vitest/config';

/** Tests that assert on recorded timings (edge spreads, rates, stage lengths): vitest.timing.config.ts runs them alone. */
export const TIMING_TESTS = ['test/**/*.timing.test.ts'];

// Real processes and sockets in many tests: forks isolate native addons (zeromq), two at a
// time fit the 2-core machines, and generous timeouts cover process start-up, not load.
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'deploy/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...TIMING_TESTS],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
