import { encryptedStore } from '@tokenstore/core';
import { encryptionAtRestTests, runTableStoreConformance, testEncryptionKey, uniqueName } from '@tokenstore/store-testkit';
import { adminClient, dropStoreCollections, openStore } from './helpers.js';

const keys = [testEncryptionKey('conformance')];
const admin = adminClient();

// The whole contract, with every secret encrypted on its way to MongoDB (FerretDB).
runTableStoreConformance({
  name: 'MongoStore under encryptedStore',
  open: (collection) => encryptedStore(openStore({ collection }), { keys }),
  drop: (collection) => dropStoreCollections(admin.db(), collection),
  end: () => admin.close(),
});

encryptionAtRestTests({
  name: 'MongoStore',
  async open() {
    const collection = uniqueName('enc');
    const store = openStore({ collection });
    const reader = adminClient();
    // Every document of the token and lease collections, through the driver.
    const dump = async () => {
      const db = reader.db();
      const tokens = await db.collection(collection).find({}).toArray();
      const leases = await db.collection(`${collection}_leases`).find({}).toArray();
      return JSON.stringify([tokens, leases]);
    };
    return { store, dump, cleanup: async () => { await dropStoreCollections(reader.db(), collection); await reader.close(); } };
  },
});
