import { defineConfig } from 'vitest/config';
import { TIMING_TESTS } from './vitest.config.js';

// The tests whose figures are timings the processes record (a pulse's edge spread, an arrival
// rate, stage lengths): one file at a time, after the rest of the suite, so that no other test's
// processes compete with them for the 2 cores while they measure.
export default defineConfig({
  test: {
    include: TIMING_TESTS,
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
