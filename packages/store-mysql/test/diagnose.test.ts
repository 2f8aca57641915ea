import { uniqueName } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { adminPool, dropStoreTables, openStore } from './helpers.js';

describe('MySQLStore.diagnose', () => {
  const admin = adminPool();
  const tables: string[] = [];
  afterAll(async () => {
    for (const table of tables) await dropStoreTables(admin, table);
    await admin.end();
  });

  it('a table never created: schema version not found, and diagnose itself creates nothing (migrate: false)', async () => {
    const table = uniqueName('diag');
    tables.push(table);
    const store = openStore({ table, migrate: false });
    try {
      expect(await store.diagnose()).toMatchObject({ store: 'MySQLStore', schemaVersion: { found: null, expected: MySQLStore.SCHEMA_VERSION } });
      const [rows] = await admin.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [`${table}_migrations`]);
      expect((rows as { n: number }[])[0]?.n).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('a migrated table: current version, every lookup indexed; a dropped index is reported by its lookup', async () => {
    const table = uniqueName('diag');
    tables.push(table);
    const store = openStore({ table });
    try {
      await store.migrate();
      expect(await store.diagnose()).toEqual({ store: 'MySQLStore', schemaVersion: { found: MySQLStore.SCHEMA_VERSION, expected: MySQLStore.SCHEMA_VERSION }, unindexedLookups: [] });
      await admin.query(`ALTER TABLE \`${table}\` DROP INDEX \`refresh_token_ix\``);
      expect((await store.diagnose()).unindexedLookups).toEqual(['refreshToken']);
    } finally {
      await store.close();
    }
  });
});
