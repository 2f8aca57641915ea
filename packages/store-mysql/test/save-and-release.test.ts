import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { MySQLStore } from '../src/index.js';
import { adminPool, dropStoreTables, MYSQL_URL, storeTracker } from './helpers.js';

// saveAndRelease: the fast-path UPDATE of the token and the release of the lease in one statement (a
// multi-table UPDATE that marks the lease row released), and the marked rows deleted in batches.

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

function token(id: string, refreshToken: string, user = `${id}@example.com`): OAuthToken {
  return OAuthToken.fromRecord({ id, userName: user, clientId: 'client', clientSecret: 'secret', refreshToken, accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never);
}

const sqls: string[] = [];
const values: unknown[][] = [];

/** A pool whose statements' first words are logged (and the statements, with their values, kept). */
function loggedPool(log: string[]): mysql.Pool {
  const pool = mysql.createPool({ uri: MYSQL_URL, connectionLimit: 4 });
  const execute = pool.execute.bind(pool) as (...a: unknown[]) => unknown;
  (pool as unknown as { execute: unknown }).execute = (sql: string, params: unknown[]) => {
    if (log.length === 0) sqls.length = values.length = 0;
    log.push(sql.trim().split(/\s+/)[0]?.toUpperCase() ?? '');
    sqls.push(sql);
    values.push(params);
    return execute(sql, params);
  };
  return pool;
}

async function leaseRows(table: string): Promise<number> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}_leases\``);
  return Number(rows[0]?.n);
}

/** A store on `pool` (the test's own, as an app's); afterwards it is closed, the pool ended, the tables dropped. */
async function withStoreOn(pool: mysql.Pool, body: (store: MySQLStore) => Promise<void>): Promise<void> {
  const table = uniqueName('sar');
  const store = new MySQLStore({ pool, table });
  try {
    await body(store);
  } finally {
    await store.close();
    await pool.end();
    await dropStoreTables(admin, table);
  }
}

describe('MySQLStore lock.saveAndRelease', () => {
  it('one statement saves and releases; the next owner takes the lease at once', async () => {
    const log: string[] = [];
    await withStoreOn(loggedPool(log), async (store) => {
      await store.saveToken(token('t1', 'r0'));
      expect(await store.lock.acquire('k', 'holder', 60_000)).toBe(true);
      log.length = 0;
      const answer = await store.lock.saveAndRelease?.(token('t1', 'r1'), 'k', 'holder');
      expect(answer?.released).toBe(true);
      expect(log).toEqual(['UPDATE']);
      // Both rows are found by key: the token by its id's index, the lease by its primary key.
      const [plan] = await admin.query<mysql.RowDataPacket[]>(`EXPLAIN ${sqls[0]}`, values[0]);
      expect(Object.fromEntries(plan.map((row) => [row.table, row.key]))).toEqual({ t: 'id_uq', l: 'PRIMARY' });
      expect((await store.findTokenById('t1'))?.refreshToken).toBe('r1');
      expect(await store.lock.acquire('k', 'next', 60_000)).toBe(true);
      // The next owner's lease is its own: the holder's late release does not free it.
      await store.lock.release('k', 'holder');
      expect(await store.lock.acquire('k', 'third', 60_000)).toBe(false);
    });
  });

  it("releases only its owner's lease, and saves all the same", async () => {
    const [store] = tracker.openPair({ table: uniqueName('sar') });
    await store.saveToken(token('t1', 'r0'));
    expect(await store.lock.acquire('k', 'other', 60_000)).toBe(true);
    const answer = await store.lock.saveAndRelease?.(token('t1', 'r1'), 'k', 'stale-holder');
    // The stale holder holds nothing afterwards either way; the other owner keeps its lease.
    expect(answer?.token.refreshToken).toBe('r1');
    expect((await store.findTokenById('t1'))?.refreshToken).toBe('r1');
    expect(await store.lock.acquire('k', 'third', 60_000)).toBe(false);
  });

  it('a save that fails releases nothing: a user bound to another record, a new id', async () => {
    const [store] = tracker.openPair({ table: uniqueName('sar') });
    await store.saveToken(token('t1', 'r0', 'alice@example.com'));
    await store.saveToken(OAuthToken.fromRecord({ id: 't2', userName: null, clientId: 'client', clientSecret: null, refreshToken: 'r-unbound', accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never));
    expect(await store.lock.acquire('k', 'holder', 60_000)).toBe(true);
    // t2 is unbound, so the fast path selects it, but alice owns t1: the UPDATE violates the unique user name.
    await expect(store.lock.saveAndRelease?.(token('t2', 'r1', 'alice@example.com'), 'k', 'holder')).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.findTokenById('t2'))?.refreshToken).toBe('r-unbound');
    expect(await store.lock.acquire('k', 'next', 60_000)).toBe(false);
    const created = await store.lock.saveAndRelease?.(token('t3', 'r3', 'carol@example.com'), 'k', 'holder');
    expect(created?.released).toBe(false);
    expect((await store.findTokenById('t3'))?.refreshToken).toBe('r3');
    expect(await store.lock.acquire('k', 'next', 60_000)).toBe(false);
  });

  it('on a pool without FOUND_ROWS (changed rows counted), an unchanged save still releases, or falls back', async () => {
    await withStoreOn(mysql.createPool({ uri: MYSQL_URL, connectionLimit: 2, flags: ['-FOUND_ROWS'] }), async (store) => {
      const saved = token('t1', 'r0');
      await store.saveToken(saved);
      // The token row does not change, the lease row does: the lease is released.
      expect(await store.lock.acquire('k', 'holder', 60_000)).toBe(true);
      expect((await store.lock.saveAndRelease?.(saved, 'k', 'holder'))?.released).toBe(true);
      expect(await store.lock.acquire('k', 'next', 60_000)).toBe(true);
      // Nothing changes at all (no lease of this owner's): the ordinary save confirms the record, and
      // the caller is told to release (which finds nothing to free).
      const again = await store.lock.saveAndRelease?.(saved, 'k', 'holder');
      expect(again?.released).toBe(false);
      expect(again?.token.refreshToken).toBe('r0');
      expect(await store.lock.acquire('k', 'third', 60_000)).toBe(false);
    });
  });

  it('released rows do not pile up: they are deleted in batches, and the rest on close', async () => {
    const table = uniqueName('sar');
    const store = new MySQLStore({ uri: MYSQL_URL, table });
    const n = 300;
    await Promise.all(Array.from({ length: n }, (_, i) => store.saveToken(token(`t${i}`, 'r0'))));
    for (let i = 0; i < n; i++) {
      expect(await store.lock.acquire(`k${i}`, 'holder', 60_000)).toBe(true);
      expect((await store.lock.saveAndRelease?.(token(`t${i}`, 'r1'), `k${i}`, 'holder'))?.released).toBe(true);
    }
    // One lease row per token refreshed would be 300; the batches keep it to fewer than one batch's worth
    // (plus one batch in flight).
    expect(await leaseRows(table)).toBeLessThanOrEqual(128);
    // A row that was taken again after its release is not deleted with the batch.
    expect(await store.lock.acquire('k0', 'again', 60_000)).toBe(true);
    await store.close();
    expect(await leaseRows(table)).toBe(1);
    await dropStoreTables(admin, table);
  });
});
