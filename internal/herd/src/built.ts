/**
 * The herd's child processes import the packages' built dist (plain node, no loader), and so does
 * the parent through the package exports. Fail loudly, rather than race old code, when a dist is
 * missing or older than its sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { StoreSpec } from './open-store.mjs';

const require = createRequire(import.meta.url);

const STORE_PACKAGES: Record<StoreSpec['kind'], string> = {
  sqlite: '@tokenstore/store-sqlite',
  file: '@tokenstore/store-file',
  postgres: '@tokenstore/store-postgres',
  mysql: '@tokenstore/store-mysql',
  mongo: '@tokenstore/store-mongo',
};

export function assertBuilt(kind: StoreSpec['kind']): void {
  for (const name of ['@tokenstore/core', STORE_PACKAGES[kind]]) {
    let root: string;
    try {
      root = dirname(require.resolve(`${name}/package.json`));
    } catch {
      throw new Error(`${name} is not a dependency of @tokenstore/herd (add it and run pnpm install)`);
    }
    const dist = join(root, 'dist', 'index.js');
    const rebuild = `run \`pnpm turbo run build --filter ${name}...\``;
    if (!existsSync(dist)) throw new Error(`${name}: dist/index.js is missing: ${rebuild}`);
    const built = statSync(dist).mtimeMs;
    const newer = newestBelow(join(root, 'src'));
    if (newer && newer.mtimeMs > built) throw new Error(`${name}: dist is older than ${newer.path}: ${rebuild}`);
  }
}

function newestBelow(dir: string): { path: string; mtimeMs: number } | undefined {
  if (!existsSync(dir)) return undefined;
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(path);
    if (!newest || mtimeMs > newest.mtimeMs) newest = { path, mtimeMs };
  }
  return newest;
}
