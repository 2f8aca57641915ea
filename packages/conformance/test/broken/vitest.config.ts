import { defineConfig } from 'vitest/config';

// Config of the child run in broken-stores.test.ts: every store's tests run concurrently (each test has
// its own store), so the lock tests' waits overlap.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/broken/*.broken.ts'],
    sequence: { concurrent: true },
    maxConcurrency: 500,
    testTimeout: 30_000,
  },
});
