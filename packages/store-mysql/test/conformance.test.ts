import { runTokenStoreConformance } from '@tokenstore/conformance';
import type { TokenStore } from '@tokenstore/core';
import * as vitest from 'vitest';
import { MySQLStore } from '../src/index.js';
import { MYSQL_URL, adminPool, dropStoreTables, uniqueName } from './helpers.js';

const admin = adminPool();
/** Table of each live store (a reopened store and a peer share their original's table). */
const tables = new Map<TokenStore, string>();

function open(table: string): MySQLStore {
  const store = new MySQLStore({ uri: MYSQL_URL, table, poolOptions: { connectionLimit: 4 } });
  tables.set(store, table);
  return store;
}

function tableOf(store: TokenStore): string {
  const table = tables.get(store);
  if (table === undefined) throw new Error('conformance passed a store this file did not create');
  return table;
}

runTokenStoreConformance(vitest, {
  name: 'MySQLStore (MariaDB)',
  // A fresh table per test: every test starts empty and isolated.
  createStore: async () => open(uniqueName('conf')),
  destroyStore: async (store) => {
    const table = tableOf(store);
    const sharing = [...tables].filter(([, t]) => t === table).map(([s]) => s);
    await Promise.all(sharing.map((s) => s.close?.()));
    for (const s of sharing) tables.delete(s);
    await dropStoreTables(admin, table);
  },
  reopenStore: async (store) => {
    const table = tableOf(store);
    await store.close?.();
    tables.delete(store);
    return open(table);
  },
  // Its own pool: as separate from the first instance as another process would be.
  openPeer: async (store) => open(tableOf(store)),
});

vitest.afterAll(async () => {
  const leftover = [...tables.entries()];
  await Promise.all(leftover.map(([s]) => s.close?.()));
  for (const table of new Set(leftover.map(([, t]) => t))) await dropStoreTables(admin, table);
  await admin.end();
});
