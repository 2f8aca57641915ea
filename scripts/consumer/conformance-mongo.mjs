// `tokenstore-conformance conformance-mongo.mjs`: the suite on the packed MongoStore and this project's
// mongodb driver, a collection per test on TOKENSTORE_MONGO_URL.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { MongoStore } from '@tokenstore/store-mongo';

const url = process.env.TOKENSTORE_MONGO_URL;
if (!url) throw new Error('TOKENSTORE_MONGO_URL is not set');

export default async () => {
  const admin = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  const collectionOf = new Map();
  const open = (collection) => {
    const store = new MongoStore({ url, collection, clientOptions: { maxPoolSize: 4 } });
    collectionOf.set(store, collection);
    return store;
  };
  return {
    name: 'MongoStore (packed)',
    createStore: async () => open(`pack_${randomUUID().slice(0, 8)}`),
    async destroyStore(store) {
      await store.close();
      const collection = collectionOf.get(store);
      for (const name of [collection, `${collection}_leases`]) await admin.db().collection(name).drop().catch(() => {});
    },
    async reopenStore(store) {
      await store.close();
      return open(collectionOf.get(store));
    },
    openPeer: async (store) => open(collectionOf.get(store)),
  };
};
