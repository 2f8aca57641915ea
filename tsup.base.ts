import { defineConfig, type Options } from 'tsup';

/** One build recipe for every published package: ESM + CJS + .d.ts/.d.cts, Node 20. */
export function packageConfig(entry: string[], extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    shims: false,
    ...extra,
  });
}
