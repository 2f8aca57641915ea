import { MemoryStore, OAuthToken } from '@tokenstore/core';
import { benchRecord } from '../lib/tokens.js';
import type { StoreAdapter } from './types.js';

export const memoryAdapter: StoreAdapter = {
  kind: 'memory',
  label: 'MemoryStore',
  shared: false,
  unavailable: async () => null,
  async open() {
    const store = new MemoryStore();
    return {
      kind: 'memory',
      store,
      // No driver: the store itself is the only way in.
      async bulkLoad(from, to) {
        for (let i = from; i < to; i++) await store.saveToken(OAuthToken.fromRecord(benchRecord(i)));
      },
      drop: async () => store.deleteTokens(),
      close: async () => store.close(),
    };
  },
  openStoreOnly: async () => new MemoryStore(),
};
