import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/index.js';
import { adminPool, PG_URL, storeTracker } from './helpers.js';

// saveAndRelease: the fast-path UPDATE and the lease's DELETE in one statement, committed together.

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

function token(id: string, refreshToken: string, user = `${id}@example.com`): OAuthToken {
  return OAuthToken.fromRecord({ id, userName: user, clientId: 'client', clientSecret: 'secret', refreshToken, accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never);
}

describe('PostgresStore lock.saveAndRelease', () => {
  it('one statement saves and releases', async () => {
    const table = uniqueName('sar');
    const statements: string[] = [];
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
    (pool as unknown as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => (statements.push(String(text).trim().split(/\s+/)[0] ?? ''), query(text, ...rest));
    const store = new PostgresStore({ pool, table });
    try {
      await store.saveToken(token('t1', 'r0'));
      expect(await store.lock.acquire('k', 'holder', 60_000)).toBe(true);
      statements.length = 0;
      const answer = await store.lock.saveAndRelease?.(token('t1', 'r1'), 'k', 'holder');
      expect(answer?.released).toBe(true);
      expect(statements).toEqual(['WITH']);
      expect((await store.findTokenById('t1'))?.refreshToken).toBe('r1');
      expect(await store.lock.acquire('k', 'next', 60_000)).toBe(true);
    } finally {
      await store.close();
      await pool.end();
      await admin.query(`DROP TABLE IF EXISTS "${table}", "${table}_leases", "${table}_migrations"`);
    }
  });

  it('a save that fails releases nothing (one transaction): a user bound to another record', async () => {
    const [store] = tracker.openPair({ table: uniqueName('sar') });
    await store.saveToken(token('t1', 'r0', 'alice@example.com'));
    await store.saveToken(OAuthToken.fromRecord({ id: 't2', userName: null, clientId: 'client', clientSecret: null, refreshToken: 'r-unbound', accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never));
    expect(await store.lock.acquire('k', 'holder', 60_000)).toBe(true);
    // t2 is unbound, so the fast path selects it, but alice owns t1: the UPDATE violates the unique user name.
    // The kit's ordinary path then conflicts too: the save is refused, and nothing was released.
    await expect(store.lock.saveAndRelease?.(token('t2', 'r1', 'alice@example.com'), 'k', 'holder')).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await store.findTokenById('t2'))?.refreshToken).toBe('r-unbound');
    expect(await store.lock.acquire('k', 'next', 60_000)).toBe(false);
    // A fast path that finds nothing to replace (a new id) releases nothing either: the kit saves the
    // ordinary way and says so, and the lease stays the holder's until the caller releases it.
    const created = await store.lock.saveAndRelease?.(token('t3', 'r3', 'carol@example.com'), 'k', 'holder');
    expect(created?.released).toBe(false);
    expect((await store.findTokenById('t3'))?.refreshToken).toBe('r3');
    expect(await store.lock.acquire('k', 'next', 60_000)).toBe(false);
  });
});
