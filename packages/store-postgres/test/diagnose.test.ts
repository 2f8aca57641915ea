import { uniqueName } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { adminPool, dropStoreTables, openStore } from './helpers.js';

describe('PostgresStore.diagnose', () => {
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
      const diagnostics = await store.diagnose();
      expect(diagnostics).toMatchObject({ store: 'PostgresStore', schemaVersion: { found: null, expected: PostgresStore.SCHEMA_VERSION } });
      const { rows } = await admin.query('SELECT to_regclass($1) AS t', [`public.${table}_migrations`]);
      expect(rows[0].t).toBeNull();
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
      expect(await store.diagnose()).toEqual({ store: 'PostgresStore', schemaVersion: { found: PostgresStore.SCHEMA_VERSION, expected: PostgresStore.SCHEMA_VERSION }, unindexedLookups: [] });
      await admin.query(`DROP INDEX "${table}_access_token_ix"`);
      expect((await store.diagnose()).unindexedLookups).toEqual(['accessToken']);
    } finally {
      await store.close();
    }
  });
});
