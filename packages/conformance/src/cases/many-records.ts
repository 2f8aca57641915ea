import type { TokenRecord } from '@tokenstore/core/store-kit';
import { listRecords, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { expectFind } from './find.js';

/**
 * More records than any page size a store is likely to have left in a query (LIMIT 100, MongoDB's first
 * cursor batch of 101, a driver's default fetch size): behaviour that only shows with many records.
 */
export const MANY = 150;
/** Saves run in batches this wide: fast on a server store, still well within any pool. */
const BATCH = 25;

async function saveMany(t: CaseContext): Promise<TokenRecord[]> {
  const records: TokenRecord[] = [];
  for (let start = 0; start < MANY; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, MANY - start) }, (_, j) => start + j);
    records.push(
      ...(await Promise.all(
        batch.map((i) =>
          save(t, t.token({ userSignature: { name: `many-${i}-${t.uid}` }, clientId: `client-${t.uid}`, refreshToken: `many-refresh-${i}-${t.uid}`, accessToken: `many-access-${i}-${t.uid}` })),
        ),
      )),
    );
  }
  return records;
}

const idsOf = (records: TokenRecord[]) => records.map((r) => r.id as string).sort();

export const manyRecordsCases: ConformanceCase[] = [
  {
    id: 'get-tokens.many-records',
    title: `getTokens lists every one of ${MANY} records exactly once (no page or cursor batch left unread)`,
    async run(t) {
      const records = await saveMany(t);
      const listed = await listRecords(t);
      t.expect(listed.length, `getTokens() after ${MANY} saves: every record, once`).toBe(MANY);
      t.expect(idsOf(listed), `getTokens() ids after ${MANY} saves`).toEqual(idsOf(records));
    },
  },
  {
    id: 'delete-tokens.many-records',
    title: `deleteTokens removes every one of ${MANY} records (not one batch)`,
    async run(t) {
      await saveMany(t);
      await t.store.deleteTokens();
      t.expect((await listRecords(t)).length, `getTokens() after deleteTokens of ${MANY} records`).toBe(0);
    },
  },
  {
    id: 'find.many-records',
    title: `findToken and upserts find a record among ${MANY} whichever its position (first, middle, last saved)`,
    async run(t) {
      const records = await saveMany(t);
      for (const i of [0, Math.floor(MANY / 2), MANY - 1]) {
        const record = records[i] as TokenRecord;
        await expectFind(t, { userSignature: { name: record.userName as string } }, record, `record ${i} of ${MANY} by user name`);
        await expectFind(t, { clientId: record.clientId as string, refreshToken: record.refreshToken as string }, record, `record ${i} of ${MANY} by refresh token`);
        await expectFind(t, { accessToken: record.accessToken as string }, record, `record ${i} of ${MANY} by access token`);
        const updated = await save(t, t.token({ userSignature: { name: record.userName as string }, accessToken: `updated-${i}-${t.uid}` }));
        t.expect(updated.id, `re-saving user ${i} of ${MANY} updates its record (same id)`).toBe(record.id);
      }
      t.expect((await listRecords(t)).length, `getTokens() after the updates: still ${MANY} records`).toBe(MANY);
    },
  },
];
