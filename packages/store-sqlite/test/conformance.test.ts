import { join } from 'node:path';
import * as vitest from 'vitest';
import { runTokenStoreConformance } from '@tokenstore/conformance';
import { SQLiteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// Every store gets a new temp file; peers and reopened instances share it. destroyStore closes
// every instance opened on that file, then removes the directory.
const files = new Map<SQLiteStore, string>();
const cleanups = new Map<string, { cleanup: () => void; stores: Set<SQLiteStore> }>();

function openOn(filename: string): SQLiteStore {
  const store = new SQLiteStore({ filename });
  files.set(store, filename);
  cleanups.get(filename)!.stores.add(store);
  return store;
}

runTokenStoreConformance(vitest, {
  name: 'SQLiteStore',
  async createStore() {
    const { dir, cleanup } = tempDir('tokenstore-sqlite-conf-');
    const filename = join(dir, 'tokens.db');
    cleanups.set(filename, { cleanup, stores: new Set() });
    return openOn(filename);
  },
  async destroyStore(store) {
    const filename = files.get(store as SQLiteStore);
    const entry = filename === undefined ? undefined : cleanups.get(filename);
    if (!entry || !filename) return;
    cleanups.delete(filename);
    for (const s of entry.stores) {
      await s.close();
      files.delete(s);
    }
    entry.cleanup();
  },
  async reopenStore(store) {
    const filename = files.get(store as SQLiteStore)!;
    await store.close!();
    return openOn(filename);
  },
  async openPeer(store) {
    return openOn(files.get(store as SQLiteStore)!);
  },
});
