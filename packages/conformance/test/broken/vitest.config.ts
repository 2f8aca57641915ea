import { defineConfig } from 'vitest/config';

// Config of the child run in broken-stores.test.ts: each file's tests run concurrently (each test has
// its own store), so the lock tests' waits overlap. The two files (control, flawed stores) run in two
// workers, so the control's timed lock cases have an event loop of their own. At most 100 tests at
// once per file: with every test of fifty stores at once (5,000), each test got so little CPU that,
// next to other test files, whole tests took over 30 s and timed out instead of failing by their rule.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/broken/*.broken.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { concurrent: true },
    maxConcurrency: 25,
    testTimeout: 120_000,
  },
});
