import { createHash } from 'node:crypto';
import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { adminPool, MYSQL_URL, storeTracker } from './helpers.js';

// acquireAndFind: the upsert, then the holder and the token's row in one read. The read must see the
// last holder's save even when that save commits while the upsert waits for the holder's lease row:
// here the holder's save and release are one open transaction, committed once the acquire waits.

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function token(id: string, refreshToken: string): OAuthToken {
  return OAuthToken.fromRecord({ id, userName: `${id}@example.com`, clientId: 'client', clientSecret: 'secret', refreshToken, accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never);
}

/** Resolves once the lease upsert is running on the server (it stays so while it waits for the holder). */
async function untilTheUpsertWaits(table: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    // SHOW PROCESSLIST lists this user's own threads without the PROCESS privilege.
    const [rows] = await admin.query('SHOW FULL PROCESSLIST');
    if ((rows as { Info: string | null }[]).some((r) => r.Info?.startsWith(`INSERT INTO \`${table}_leases\``))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the acquire never waited for the holder');
}

describe('MySQLStore lock.acquireAndFind', () => {
  it('reads the save the last holder committed while the acquire waited for its lease row', async () => {
    const table = uniqueName('aaf');
    const [store] = tracker.openPair({ table });
    await store.saveToken(token('t1', 'spent-refresh-token'));
    const key = 'tokenstore:refresh:t1';
    expect(await store.lock.acquire(key, 'holder', 60_000)).toBe(true);
    const holder = await mysql.createConnection({ uri: MYSQL_URL });
    let answer: Promise<unknown> | undefined;
    try {
      await holder.beginTransaction();
      await holder.execute(`UPDATE \`${table}\` SET \`refresh_token\` = ? WHERE \`id_sha256\` = ?`, ['rotated-refresh-token', sha256('t1')]);
      await holder.execute(`DELETE FROM \`${table}_leases\` WHERE \`key_hash\` = ?`, [sha256(key)]);
      answer = store.lock.acquireAndFind?.(key, 'next', 60_000, 't1');
      await untilTheUpsertWaits(table);
      await holder.commit();
    } finally {
      await holder.end();
    }
    const { acquired, token: read } = (await answer) as { acquired: boolean; token: OAuthToken | null };
    expect(acquired).toBe(true);
    expect(read?.refreshToken).toBe('rotated-refresh-token');
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
