import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Child processes run a package's built dist. Fail loudly, rather than test old code, when
 * `<packageDir>/dist/index.js` is missing or older than a file of `<packageDir>/src`.
 */
export function assertDistFresh(packageDir: string, packageName: string): void {
  const dist = join(packageDir, 'dist', 'index.js');
  if (!existsSync(dist)) throw new Error(`dist/index.js is missing: run \`pnpm turbo run build --filter ${packageName}...\` first`);
  const built = statSync(dist).mtimeMs;
  const src = join(packageDir, 'src');
  for (const name of readdirSync(src)) {
    if (statSync(join(src, name)).mtimeMs > built) throw new Error(`dist is older than src/${name}: rebuild before running the multi-process tests`);
  }
}
