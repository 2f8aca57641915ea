/**
 * putRecords' one-statement bulk insert chosen by PostgreSQL as a deadlock victim (40P01): another
 * writer (a second migration of the same source, an app's transaction) holds a row the batch inserts
 * later and waits for one it inserted earlier. The failed statement changed nothing, so the kit's
 * per-record copy must take over, as for a taken id: the call succeeds, the store holds the batch
 * exactly. The other writer is a transaction of the test's own, which makes the cycle certain: the
 * bulk statement waits first, so its deadlock check (after deadlock_timeout, 1 s) finds the cycle.
 */
import { OAuthToken, RECORD_FIELDS, type TokenRecord } from '@tokenstore/core/store-kit';
import { uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { COLUMN_LIST } from '../src/schema.js';
import { adminPool, storeTracker } from './helpers.js';

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

const record = (i: number): TokenRecord => ({
  ...new OAuthToken({ userSignature: { name: `user-${i}` }, accessToken: `access-${i}`, refreshToken: `refresh-${i}` }).toRecord(),
  id: `id-${String(i).padStart(4, '0')}`,
});

describe('PostgresStore putRecords as a deadlock victim', () => {
  it('falls back to the per-record copy: the call succeeds and every record is there exactly', async () => {
    const table = uniqueName('bulkdeadlock');
    const store = tracker.open({ table });
    await store.migrate();
    const batch = Array.from({ length: 20 }, (_, i) => record(i));
    const insert = `INSERT INTO "public"."${table}" (${COLUMN_LIST}) VALUES (${RECORD_FIELDS.map((_, i) => `$${i + 1}`).join(', ')})`;
    const values = (r: TokenRecord) => RECORD_FIELDS.map((field) => r[field]);

    const other = await admin.connect();
    try {
      await other.query('BEGIN');
      await other.query(insert, values(batch[19] as TokenRecord)); // the batch's last row, uncommitted
      const put = store.putRecords(batch).then(() => 'resolved', (error: unknown) => error);
      // Until the bulk statement waits for that row (it has inserted the first rows by then).
      for (let waiting = false; !waiting; ) {
        const { rows } = await admin.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1", [`INSERT INTO "public"."${table}"%unnest%`]);
        waiting = rows.length > 0;
      }
      await other.query(insert, values(batch[0] as TokenRecord)); // waits for the bulk statement's first row: a cycle
      await other.query('COMMIT');
      expect(await put).toBe('resolved');
    } finally {
      other.release();
    }
    expect((await store.getTokens()).map((t) => t.toRecord())).toEqual(batch);
  });
});
