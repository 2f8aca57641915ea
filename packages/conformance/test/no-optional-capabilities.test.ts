import * as vitest from 'vitest';
import { MemoryStore, type TokenStore } from '@tokenstore/core';
import { runTokenStoreConformance } from '../src/index.js';

// A store with only the six methods: no lock (the lock tests skip themselves, with a reason) and no
// close (the close tests must be skipped by id with a reason, as here).
function sixMethodsOnly(): TokenStore {
  const inner = new MemoryStore();
  return {
    findToken: (t) => inner.findToken(t),
    findTokenById: (id) => inner.findTokenById(id),
    saveToken: (t) => inner.saveToken(t),
    deleteToken: (id) => inner.deleteToken(id),
    getTokens: () => inner.getTokens(),
    deleteTokens: () => inner.deleteTokens(),
  };
}

runTokenStoreConformance(vitest, {
  name: 'six methods only',
  createStore: async () => sixMethodsOnly(),
  skip: {
    'close.idempotent': 'this store holds no resources, so it has no close()',
    'close.rejects-after-close': 'this store holds no resources, so it has no close()',
  },
});
