import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The race tests spawn 8 processes each and count requests at one provider: one file at a time.
    fileParallelism: false,
  },
});
