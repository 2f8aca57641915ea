import { runTokenStoreConformance } from '@tokenstore/conformance';
import type { TokenStore } from '@tokenstore/core';
import * as vitest from 'vitest';
import { uniqueName } from './unique-name.js';

export interface TableConformanceOptions {
  readonly name: string;
  /** A new instance, with its own pool, on `table` (a collection, for a document store; created on first use). */
  open(table: string): TokenStore;
  /** Drops `table` and everything the store created next to it. */
  drop(table: string): Promise<void>;
  /** Ends the test's own connections, after the last test. */
  end(): Promise<void>;
}

/**
 * The conformance suite on a store kept in a database table (or collection): a fresh table per test,
 * so every test starts empty and isolated. A reopened store and a peer share their original's table;
 * each instance has its own pool, as separate from the first as another process would be.
 */
export function runTableStoreConformance(options: TableConformanceOptions): void {
  /** Table of each live store. */
  const tables = new Map<TokenStore, string>();

  function open(table: string): TokenStore {
    const store = options.open(table);
    tables.set(store, table);
    return store;
  }

  function tableOf(store: TokenStore): string {
    const table = tables.get(store);
    if (table === undefined) throw new Error('conformance passed a store this file did not create');
    return table;
  }

  runTokenStoreConformance(vitest, {
    name: options.name,
    createStore: async () => open(uniqueName('conf')),
    destroyStore: async (store) => {
      const table = tableOf(store);
      const sharing = [...tables].filter(([, t]) => t === table).map(([s]) => s);
      await Promise.all(sharing.map((s) => s.close?.()));
      for (const s of sharing) tables.delete(s);
      await options.drop(table);
    },
    reopenStore: async (store) => {
      const table = tableOf(store);
      await store.close?.();
      tables.delete(store);
      return open(table);
    },
    openPeer: async (store) => open(tableOf(store)),
  });

  vitest.afterAll(async () => {
    const leftover = [...tables.entries()];
    await Promise.all(leftover.map(([s]) => s.close?.()));
    for (const table of new Set(leftover.map(([, t]) => t))) await options.drop(table);
    await options.end();
  });
}
