import type { OAuthToken, RefreshLock } from '@tokenstore/core';
import { expectStoreError, recordOf, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { LONG_TTL, key, lockOf, owner, peerLock } from './lock-helpers.js';

/** The optional `saveAndRelease`: `saveToken` and then `release` in one round trip (the save that ends a refresh). */
type SaveAndRelease = NonNullable<RefreshLock['saveAndRelease']>;
const saveAndReleaseOf = (lock: RefreshLock): SaveAndRelease => (lock.saveAndRelease as SaveAndRelease).bind(lock);

/** A stored token for a user of this test, and the same token rotated (what a refresh saves). */
async function storedAndRotated(t: CaseContext, name: string) {
  const user = { name: `${name}-${t.uid}@example.com` };
  const stored = await save(t, t.token({ userSignature: user, clientId: `c-${t.uid}`, refreshToken: `R0-${name}-${t.uid}`, accessToken: `A0-${name}-${t.uid}`, expiresAt: 1_000 }));
  const rotated = t.token({ ...stored, userSignature: user, refreshToken: `R1-${name}-${t.uid}`, accessToken: `A1-${name}-${t.uid}`, expiresAt: 4_102_444_800_000 });
  return { id: stored.id as string, rotated };
}

export const lockSaveAndReleaseCases: ConformanceCase[] = [
  {
    id: 'lock.save-and-release.saves-then-releases',
    title: 'saveAndRelease stores the token as saveToken would and answers it; released: true means another owner can take the lease at once, false that the holder still holds it',
    needs: 'saveAndRelease',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      const { id, rotated } = await storedAndRotated(t, 'holder');
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A acquires').toBe(true);
      const answer = await saveAndReleaseOf(lock)(rotated, key(t), owner(t, 'a'));
      t.expect(recordOf(t.expect, answer.token, 'the answered token'), 'the answered token is the stored one').toEqual(recordOf(t.expect, await t.store.findTokenById(id), 'findTokenById'));
      t.expect(answer.token.refreshToken, 'the refresh token saved').toBe(rotated.refreshToken);
      t.expect(typeof answer.released, 'released is a boolean').toBe('boolean');
      if (answer.released) {
        t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B after a saveAndRelease that released').toBe(true);
      } else {
        t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B after a saveAndRelease that did not release (A still holds it)').toBe(false);
        await lock.release(key(t), owner(t, 'a'));
        t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B after A released').toBe(true);
      }
    },
  },
  {
    id: 'lock.save-and-release.only-its-own-lease',
    title: "saveAndRelease by an owner that does not hold the lease saves the token and leaves the holder's lease held",
    needs: 'saveAndRelease',
    async run(t) {
      const { id, rotated } = await storedAndRotated(t, 'stranger');
      t.expect(await lockOf(t).acquire(key(t), owner(t, 'holder'), LONG_TTL), 'the holder acquires').toBe(true);
      await saveAndReleaseOf(await peerLock(t))(rotated, key(t), owner(t, 'stranger'));
      t.expect((await t.store.findTokenById(id))?.refreshToken, 'the token was saved').toBe(rotated.refreshToken);
      t.expect(await lockOf(t).acquire(key(t), owner(t, 'c'), LONG_TTL), 'C while the holder still holds it').toBe(false);
    },
  },
  {
    id: 'lock.save-and-release.failed-save-keeps-lease',
    title: 'saveAndRelease with a token saveToken rejects (INVALID_ARGUMENT) writes nothing and releases nothing; a bad key or owner is INVALID_ARGUMENT',
    needs: 'saveAndRelease',
    async run(t) {
      const { id, rotated } = await storedAndRotated(t, 'failing');
      const saveAndRelease = saveAndReleaseOf(lockOf(t));
      t.expect(await lockOf(t).acquire(key(t), owner(t, 'a'), LONG_TTL), 'A acquires').toBe(true);
      for (const value of ['x\uD800y', 'nul\u0000inside']) {
        // A duck-typed token (as a caller may pass) whose access token no store can hold.
        const unstorable = { toRecord: () => ({ ...rotated.toRecord(), accessToken: `${value}:${t.uid}` }) } as unknown as OAuthToken;
        await expectStoreError(t, () => saveAndRelease(unstorable, key(t), owner(t, 'a')), 'INVALID_ARGUMENT', `saveAndRelease(an access token holding ${JSON.stringify(value)})`);
      }
      await expectStoreError(t, () => saveAndRelease(rotated, '', owner(t, 'a')), 'INVALID_ARGUMENT', 'saveAndRelease(empty key)');
      await expectStoreError(t, () => saveAndRelease(rotated, key(t), ''), 'INVALID_ARGUMENT', 'saveAndRelease(empty owner)');
      t.expect((await t.store.findTokenById(id))?.refreshToken, 'nothing was written').not.toBe(rotated.refreshToken);
      t.expect(await (await peerLock(t)).acquire(key(t), owner(t, 'b'), LONG_TTL), 'B while A still holds it (nothing released)').toBe(false);
    },
  },
];
