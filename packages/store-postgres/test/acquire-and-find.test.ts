import { createHash } from 'node:crypto';
import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { adminPool, PG_URL, storeTracker } from './helpers.js';

// acquireAndFind takes the lease and reads the token in one statement. The danger is the statement's
// snapshot: it is taken before the upsert waits for the last holder's row, so a plain read would
// return the token from before that holder's save (the refresh token it just spent). Here the
// holder's save and release are one open transaction, committed only once the acquire is waiting
// on it: the read must still return what it saved.

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());
const keyHash = (key: string) => createHash('sha256').update(key, 'utf8').digest();

function token(id: string, refreshToken: string): OAuthToken {
  return OAuthToken.fromRecord({ id, userName: `${id}@example.com`, clientId: 'client', clientSecret: 'secret', refreshToken, accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never);
}

/** Resolves once some backend of the test server waits for a lock (the acquire is blocked). */
async function untilSomeoneWaitsForALock(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
    if ((rows[0] as { n: number }).n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the acquire never waited for the holder');
}

/** Runs `statements` in one transaction on its own connection, and commits once `before` resolved. */
async function holderTransaction(statements: [string, unknown[]][], before: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const [text, values] of statements) await client.query(text, values);
    await before();
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

describe('PostgresStore lock.acquireAndFind', () => {
  it('reads the save the last holder committed while the acquire waited for its lease row', async () => {
    const table = uniqueName('aaf');
    const [store] = tracker.openPair({ table });
    await store.saveToken(token('t1', 'spent-refresh-token'));
    const key = 'tokenstore:refresh:t1';
    expect(await store.lock.acquire(key, 'holder', 60_000)).toBe(true);
    let answer: Promise<unknown> | undefined;
    await holderTransaction(
      [
        [`UPDATE "${table}" SET "refresh_token" = $1 WHERE "id" = 't1'`, ['rotated-refresh-token']],
        [`DELETE FROM "${table}_leases" WHERE "key_hash" = $1`, [keyHash(key)]],
      ],
      async () => {
        answer = store.lock.acquireAndFind?.(key, 'next', 60_000, 't1');
        await untilSomeoneWaitsForALock();
      },
    );
    const { acquired, token: read } = (await answer) as { acquired: boolean; token: OAuthToken | null };
    expect(acquired).toBe(true);
    expect(read?.refreshToken).toBe('rotated-refresh-token');
  });

  it('finds a row the last holder inserted (after a delete) while the acquire waited', async () => {
    const table = uniqueName('aaf');
    const [store] = tracker.openPair({ table });
    await store.migrate();
    const key = 'tokenstore:refresh:t2';
    expect(await store.lock.acquire(key, 'holder', 60_000)).toBe(true);
    let answer: Promise<unknown> | undefined;
    await holderTransaction(
      [
        [`INSERT INTO "${table}" ("id", "user_name", "client_id", "refresh_token") VALUES ('t2', 't2@example.com', 'client', 'new-refresh-token')`, []],
        [`DELETE FROM "${table}_leases" WHERE "key_hash" = $1`, [keyHash(key)]],
      ],
      async () => {
        answer = store.lock.acquireAndFind?.(key, 'next', 60_000, 't2');
        await untilSomeoneWaitsForALock();
      },
    );
    const { acquired, token: read } = (await answer) as { acquired: boolean; token: OAuthToken | null };
    expect(acquired).toBe(true);
    expect(read?.refreshToken).toBe('new-refresh-token');
  });

  it('answers like acquire, with the token whatever the outcome', async () => {
    const [a, b] = tracker.openPair({ table: uniqueName('aaf') });
    const saved = await a.saveToken(token('t3', 'rt'));
    expect(await a.lock.acquireAndFind?.('k', 'o1', 60_000, 't3')).toEqual({ acquired: true, token: saved });
    expect(await b.lock.acquireAndFind?.('k', 'o2', 60_000, 't3')).toEqual({ acquired: false, token: saved });
    expect(await b.lock.acquireAndFind?.('k', 'o1', 60_000, 'unknown')).toEqual({ acquired: true, token: null });
    await a.lock.release('k', 'o1');
    expect((await b.lock.acquireAndFind?.('k', 'o2', 60_000, 't3'))?.acquired).toBe(true);
  });
});

afterAll(() => undefined);
