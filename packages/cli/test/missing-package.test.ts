import { fileURLToPath } from 'node:url';
import { isTokenStoreError } from '@tokenstore/core';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/exit-codes.js';
import { loadPackage } from '../src/load-package.js';
import { openStore } from '../src/open-store.js';
import { STORE_PACKAGES } from '../src/store-url.js';
import { runCli } from './helpers/run-cli.js';

const HIDE = fileURLToPath(new URL('./fixtures/hide-package.mjs', import.meta.url));
const notFound = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from /app/cli.js`), { code: 'ERR_MODULE_NOT_FOUND' });

describe('a store package that is not installed', () => {
  it('every URL kind names its own package to install (STORE_PACKAGE_MISSING)', async () => {
    const urls: Record<keyof typeof STORE_PACKAGES, string> = {
      sqlite: 'sqlite:x.db',
      file: 'file:x.json',
      postgres: 'postgres://u@127.0.0.1/db',
      mysql: 'mysql://u@127.0.0.1/db',
      mongodb: 'mongodb://127.0.0.1/db',
    };
    for (const [kind, url] of Object.entries(urls)) {
      const name = STORE_PACKAGES[kind as keyof typeof STORE_PACKAGES];
      const error = await openStore(url, { importer: async (n) => Promise.reject(notFound(n)) }).catch((e: unknown) => e);
      expect(isTokenStoreError(error, 'STORE_PACKAGE_MISSING'), kind).toBe(true);
      expect((error as Error).message).toContain(`npm install ${name}`);
    }
  });

  it('a missing driver of an installed store names the driver, and other load failures are not "install it"', async () => {
    const driverMissing = await loadPackage('@tokenstore/store-postgres', 'x', async () => Promise.reject(notFound('/app/node_modules/pg/lib/index.js'))).catch((e: unknown) => e);
    expect((driverMissing as Error).message).toContain('npm install pg');
    const broken = await loadPackage('@tokenstore/store-postgres', 'x', async () => Promise.reject(new SyntaxError('Unexpected token'))).catch((e: unknown) => e);
    expect(isTokenStoreError(broken, 'STORE_FAILURE')).toBe(true);
  });

  it('end to end: the CLI without @tokenstore/store-postgres exits 6 and says what to install', async () => {
    const result = await runCli(['list', 'postgres://u@127.0.0.1:1/db'], { nodeArgs: ['--import', HIDE], env: { TOKENSTORE_TEST_HIDE_PACKAGE: '@tokenstore/store-postgres' } });
    expect(result.code).toBe(ExitCode.PACKAGE_MISSING);
    expect(result.stderr).toBe('tokenstore: STORE_PACKAGE_MISSING: a postgres store URL needs the package @tokenstore/store-postgres, which is not installed: npm install @tokenstore/store-postgres\n');
    // The other stores still load: only the hidden one is missing.
    const sqlite = await runCli(['list', 'sqlite::memory:'], { nodeArgs: ['--import', HIDE], env: { TOKENSTORE_TEST_HIDE_PACKAGE: '@tokenstore/store-postgres' } });
    expect(sqlite.code).toBe(ExitCode.OK);
  });
});
