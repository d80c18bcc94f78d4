import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    setupFiles: ['test/setup/fail-on-console.ts'],
    env: { FORCE_COLOR: '0', NO_COLOR: '1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Validation tests are CPU-bound; two forks match the two cores of the CI machines.
    pool: 'forks',
    maxWorkers: 2,
  },
});
