import { byId, listRecords, save } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { CONCURRENCY, concurrently, instances } from './save-helpers.js';

/** Concurrent saves (on one instance and a peer): one record per user and per id, one per distinct user. */
export const saveConcurrencyCases: ConformanceCase[] = [
  {
    id: 'save.upsert.concurrent-new-user',
    title: `${CONCURRENCY} concurrent saves of one new user leave exactly one record (half on a peer instance when openPeer is given)`,
    async run(t) {
      const user = `racer-${t.uid}`;
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) =>
        t.token({ userSignature: { name: user }, clientId: `client-${t.uid}`, refreshToken: `refresh-${t.uid}`, accessToken: `access-${i}-${t.uid}` }),
      );
      const records = (await listRecords(t)).filter((r) => r.userName === user);
      t.expect(records.length, `records for the user after ${CONCURRENCY} concurrent saves`).toBe(1);
      t.expect(new Set(results.map((r) => r.id)), 'every save returns the one record id').toEqual(new Set([records[0]?.id]));
    },
  },
  {
    id: 'save.upsert.concurrent-same-id',
    title: `${CONCURRENCY} concurrent saves with one explicit id leave exactly one record (half on a peer instance when openPeer is given)`,
    async run(t) {
      const id = `racing-id-${t.uid}`;
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) => t.token({ id, accessToken: `access-${i}-${t.uid}` }));
      const records = (await listRecords(t)).filter((r) => r.id === id);
      t.expect(records.length, `records with the id after ${CONCURRENCY} concurrent saves`).toBe(1);
      t.expect(new Set(results.map((r) => r.id)), 'every save returns that id').toEqual(new Set([id]));
    },
  },
  {
    id: 'save.concurrent-distinct-users',
    title: `${CONCURRENCY} concurrent saves of different users give ${CONCURRENCY} records`,
    async run(t) {
      const stores = await instances(t);
      const results = await concurrently(t, stores, CONCURRENCY, (i) => t.token({ userSignature: { name: `user-${i}-${t.uid}` }, accessToken: `access-${i}-${t.uid}` }));
      t.expect(new Set(results.map((r) => r.id)).size, 'distinct ids').toBe(CONCURRENCY);
      const records = await listRecords(t);
      t.expect(records.length, 'record count').toBe(CONCURRENCY);
      for (const result of results) t.expect(await byId(t, result.id as string), 'each saved record').toEqual(result);
    },
  },
];
