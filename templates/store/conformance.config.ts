// The conformance module: how the suite builds, reopens and tears down your store. Both the CLI
// (`npm run conformance`) and the vitest file (test/conformance.test.ts) use it.
import type { ConformanceOptions } from '@tokenstore/conformance';
import type { TokenStore } from '@tokenstore/core';
import { __STORE_CLASS__, __STORE_CLASS__Backend } from './src/index.js';

// Which backend (data) each store instance works on, so openPeer can open a second one over it.
const backends = new WeakMap<TokenStore, __STORE_CLASS__Backend>();

function storeOver(backend: __STORE_CLASS__Backend): TokenStore {
  const store = new __STORE_CLASS__(backend);
  backends.set(store, backend);
  return store;
}

export default {
  name: '__STORE_CLASS__',
  // A fresh, empty store per test. For a database: a unique table/collection/key prefix per call.
  createStore: async () => storeOver(new __STORE_CLASS__Backend()),
  // A second instance over the same data (as another process would open it): the suite races the two.
  openPeer: async (store) => storeOver(backends.get(store) as __STORE_CLASS__Backend),
  // Add reopenStore (close, then open the same data again) once your data outlives the process, and
  // destroyStore (drop the table) once createStore makes one. Skips need a reason: { 'lock.expiry': '...' }.
  skip: {},
} satisfies ConformanceOptions;
