import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_URLS } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { runSdkHerd } from './helpers/sdk-herd.js';

// The child processes run the built package (dist): `pnpm --filter @tokenstore/zoho build` first.
// The SDK's own stores (the baseline) are measured in bench/src/measures/zoho.ts, not asserted: their
// count depends on timing (how many calls read the store before the first refresh was saved).
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('4 processes of a TypeScript SDK 8.0 app x 5 concurrent API calls on one expired token', () => {
  it('through the bridge on one SQLite file: exactly one token request, every call authorised', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoho-herd-'));
    const result = await runSdkHerd({ kind: 'bridge-sqlite', processes: 4, calls: 5, path: join(dir, 'tokens.db') });
    expect(result).toMatchObject({ tokenRequests: 1, callsOk: 20, callsFailed: 0, authorised: 20 });
  }, 300_000);

  it('through the bridge on MySQLStore: exactly one token request', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoho-herd-'));
    const table = `zoho_herd_${randomBytes(4).toString('hex')}`;
    try {
      const result = await runSdkHerd({ kind: 'bridge-mysql', processes: 4, calls: 5, mysqlUrl: TEST_URLS.mysql, table });
      expect(result).toMatchObject({ tokenRequests: 1, callsOk: 20, callsFailed: 0 });
    } finally {
      const db = await mysql.createConnection(TEST_URLS.mysql);
      await db.query(`DROP TABLE IF EXISTS ${table}`);
      await db.query(`DROP TABLE IF EXISTS ${table}_migrations`);
      await db.end();
    }
  }, 300_000);
});
