import * as vitest from 'vitest';
import { MemoryStore } from '@tokenstore/core';
import { runTokenStoreConformance } from '../src/index.js';

// The reference implementation passes the whole suite. MemoryStore cannot reopen (no reopenStore);
// openPeer returns the same instance, so the cross-instance tests run as two owners on one store.
runTokenStoreConformance(vitest, {
  name: 'MemoryStore',
  createStore: async () => new MemoryStore(),
  openPeer: async (store) => store,
});
