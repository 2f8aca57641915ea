import { OAuthToken } from '@tokenstore/core';
import { uniqueName } from '@tokenstore/store-testkit';
import { describe, expect, it } from 'vitest';
import { adminPool, storeTracker } from './helpers.js';

// acquireAndFind (token row FOR SHARE, lease upsert) and saveAndRelease (token UPDATE, lease DELETE)
// lock the same two rows. Taken in different orders they could deadlock (PostgreSQL then aborts one,
// and a caller gets an error): both statements take the token row first. The holder's give-back
// and a waiter's acquire meet here again and again, on two instances (two pools).

const admin = adminPool();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.end());

function token(refreshToken: string): OAuthToken {
  return OAuthToken.fromRecord({ id: 't1', userName: 't1@example.com', clientId: 'client', clientSecret: 'secret', refreshToken, accessToken: null, grantToken: null, redirectUrl: null, expiresAt: null } as never);
}

describe('PostgresStore lock statements racing each other', () => {
  it('saveAndRelease by the holder against acquireAndFind by a waiter: never an error, the waiter sees the save once it holds the lease', async () => {
    const [holder, waiter] = tracker.openPair({ table: uniqueName('race') });
    await holder.saveToken(token('r0'));
    for (let round = 1; round <= 150; round++) {
      const holderOwner = `holder-${round}`;
      expect(await holder.lock.acquire('k', holderOwner, 60_000)).toBe(true);
      const [saved, seen] = await Promise.all([
        holder.lock.saveAndRelease?.(token(`r${round}`), 'k', holderOwner),
        waiter.lock.acquireAndFind?.('k', `waiter-${round}`, 60_000, 't1'),
      ]);
      expect(saved?.released).toBe(true);
      if (seen?.acquired) {
        expect(seen.token?.refreshToken).toBe(`r${round}`);
        await waiter.lock.release('k', `waiter-${round}`);
      }
    }
  }, 120_000);
});
