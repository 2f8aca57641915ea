import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One file at a time: the recovery test restarts the FerretDB server, which would fail whatever
    // another file had in flight at that moment.
    fileParallelism: false,
  },
});
