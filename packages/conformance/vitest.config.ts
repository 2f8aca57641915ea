import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI and broken-store tests boot child vitest runs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
