import { uniqueName } from '@tokenstore/store-testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient, dropStoreCollections, openStore } from './helpers.js';

describe('MongoStore.diagnose', () => {
  const admin = adminClient();
  const collections: string[] = [];
  afterAll(async () => {
    for (const collection of collections) await dropStoreCollections(admin.db(), collection);
    await admin.close();
  });

  it('a collection never used: said so, and diagnose creates nothing; once used every lookup is indexed; a dropped index is reported', async () => {
    const collection = uniqueName('diag');
    collections.push(collection);
    const store = openStore({ collection });
    try {
      const before = await store.diagnose();
      expect(before.store).toBe('MongoStore');
      expect(before.notes?.join(' ')).toContain('no collection');
      expect((await admin.db().listCollections({ name: collection }).toArray()).length).toBe(0);

      await store.ensureIndexes();
      expect(await store.diagnose()).toEqual({ store: 'MongoStore', unindexedLookups: [] });
      await admin.db().collection(collection).dropIndex('tokenstore_grantToken');
      expect((await store.diagnose()).unindexedLookups).toEqual(['grantToken']);
    } finally {
      await store.close();
    }
  });
});
