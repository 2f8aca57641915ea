import { runTokenStoreConformance } from '@tokenstore/conformance';
import type { TokenStore } from '@tokenstore/core';
import * as vitest from 'vitest';
import { MongoStore } from '../src/index.js';
import { MONGO_URL, adminClient, dropStoreCollections, uniqueName } from './helpers.js';

const admin = adminClient();
/** Collection of each live store (a reopened store and a peer share their original's collection). */
const collections = new Map<TokenStore, string>();

/** Every instance gets its own client from the URL, as separate from the others as another process would be. */
function open(collection: string): MongoStore {
  const store = new MongoStore({ url: MONGO_URL, collection, clientOptions: { maxPoolSize: 4 } });
  collections.set(store, collection);
  return store;
}

function collectionOf(store: TokenStore): string {
  const collection = collections.get(store);
  if (collection === undefined) throw new Error('conformance passed a store this file did not create');
  return collection;
}

runTokenStoreConformance(vitest, {
  name: 'MongoStore',
  // A fresh collection per test: every test starts empty and isolated.
  createStore: async () => open(uniqueName('conf')),
  destroyStore: async (store) => {
    const collection = collectionOf(store);
    const sharing = [...collections].filter(([, c]) => c === collection).map(([s]) => s);
    await Promise.all(sharing.map((s) => s.close?.()));
    for (const s of sharing) collections.delete(s);
    await dropStoreCollections(admin.db(), collection);
  },
  reopenStore: async (store) => {
    const collection = collectionOf(store);
    await store.close?.();
    collections.delete(store);
    return open(collection);
  },
  openPeer: async (store) => open(collectionOf(store)),
});

vitest.afterAll(async () => {
  const leftover = [...collections.entries()];
  await Promise.all(leftover.map(([s]) => s.close?.()));
  for (const collection of new Set(leftover.map(([, c]) => c))) await dropStoreCollections(admin.db(), collection);
  await admin.close();
});
