import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** One test recipe for the packages that need a vitest.config.ts: tests under test/, 30 s timeouts. */
export function testConfig(extra: NonNullable<ViteUserConfig['test']> = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 30_000,
      ...extra,
    },
  });
}
