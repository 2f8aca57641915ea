import { runTableStoreConformance } from '@tokenstore/store-testkit';
import { adminClient, dropStoreCollections, openStore } from './helpers.js';

const admin = adminClient();

runTableStoreConformance({
  name: 'MongoStore',
  open: (collection) => openStore({ collection }),
  drop: (collection) => dropStoreCollections(admin.db(), collection),
  end: () => admin.close(),
});
