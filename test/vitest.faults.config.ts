import { defineConfig } from 'vitest/config';

// The fault tests run their own broker and database (they kill them); stripe-mock comes from the environment,
// or from the global set-up's test infrastructure when run alone.
export default defineConfig({
  test: {
    globalSetup: ['@aid/test-kit/global-setup'],
    include: ['src/**/*.faults.test.ts'],
    fileParallelism: false,
    testTimeout: 420_000,
    hookTimeout: 180_000,
  },
});
