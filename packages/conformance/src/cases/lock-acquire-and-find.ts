import type { OAuthToken, RefreshLock } from '@tokenstore/core';
import type { TokenRecord } from '@tokenstore/core/store-kit';
import { expectStoreError, recordOf, save } from '../assertions.js';
import type { CaseContext, ConformanceCase } from '../conformance-case.js';
import { LONG_TTL, key, lockOf, owner, peerLock } from './lock-helpers.js';

/** The optional `acquireAndFind`: `acquire` and `findTokenById` in one round trip (the engine's read after every acquire). */
type AcquireAndFind = NonNullable<RefreshLock['acquireAndFind']>;
const acquireAndFindOf = (lock: RefreshLock): AcquireAndFind => (lock.acquireAndFind as AcquireAndFind).bind(lock);

/** The answer's token as a record (null stays null), checked against findTokenById's answer on the same store. */
async function expectFound(t: CaseContext, answer: { token: OAuthToken | null }, id: string, what: string): Promise<TokenRecord | null> {
  const read = answer.token === null ? null : recordOf(t.expect, answer.token, `${what}: the token`);
  const byId = await t.store.findTokenById(id);
  t.expect(read, `${what}: the token must be what findTokenById(id) answers`).toEqual(byId === null ? null : recordOf(t.expect, byId, 'findTokenById'));
  return read;
}

export const lockAcquireAndFindCases: ConformanceCase[] = [
  {
    id: 'lock.acquire-and-find.answers-like-acquire',
    title: 'acquireAndFind answers acquired exactly as acquire would (free, held by another, renewed, released), each time with the token findTokenById gives',
    needs: 'acquireAndFind',
    async run(t) {
      const find = acquireAndFindOf(lockOf(t));
      const saved = await save(t, t.token({ userSignature: { name: `aaf-${t.uid}@example.com` }, clientId: `c-${t.uid}`, refreshToken: `R-${t.uid}` }));
      const id = saved.id as string;
      const first = await find(key(t), owner(t, 'a'), LONG_TTL, id);
      t.expect(first.acquired, 'A on a free key').toBe(true);
      t.expect((await expectFound(t, first, id, 'A on a free key'))?.refreshToken, 'A on a free key: the stored refresh token').toBe(`R-${t.uid}`);
      const other = await find(key(t), owner(t, 'b'), LONG_TTL, id);
      t.expect(other.acquired, 'B while A holds it').toBe(false);
      await expectFound(t, other, id, 'B while A holds it');
      t.expect((await find(key(t), owner(t, 'a'), LONG_TTL, id)).acquired, 'A renewing its own lease').toBe(true);
      t.expect(await lockOf(t).acquire(key(t), owner(t, 'c'), LONG_TTL), 'C (plain acquire) while A holds it').toBe(false);
      await lockOf(t).release(key(t), owner(t, 'a'));
      t.expect((await find(key(t), owner(t, 'b'), LONG_TTL, id)).acquired, 'B after A released').toBe(true);
    },
  },
  {
    id: 'lock.acquire-and-find.reads-the-holders-save',
    title: "acquireAndFind sees the save the last holder made before its release (another instance), and while it still holds the lease",
    needs: 'acquireAndFind',
    async run(t) {
      const holderLock = await peerLock(t);
      const holderStore = await t.peer();
      const find = acquireAndFindOf(lockOf(t));
      const token = t.token({ userSignature: { name: `holder-${t.uid}@example.com` }, clientId: `c-${t.uid}`, refreshToken: `R0-${t.uid}`, accessToken: `A0-${t.uid}`, expiresAt: 1_000 });
      const id = (await save(t, token, holderStore)).id as string;
      t.expect(await holderLock.acquire(key(t), owner(t, 'holder'), LONG_TTL), 'the holder acquires').toBe(true);
      const rotated = t.token({ ...token.toRecord(), userSignature: { name: `holder-${t.uid}@example.com` }, id, refreshToken: `R1-${t.uid}`, accessToken: `A1-${t.uid}`, expiresAt: 4_102_444_800_000 });
      await save(t, rotated, holderStore);
      const waiting = await find(key(t), owner(t, 'next'), LONG_TTL, id);
      t.expect(waiting.acquired, 'the next owner while the holder still holds it').toBe(false);
      t.expect((await expectFound(t, waiting, id, 'while the holder holds it'))?.refreshToken, 'while the holder holds it: the refresh token it saved').toBe(`R1-${t.uid}`);
      await holderLock.release(key(t), owner(t, 'holder'));
      const next = await find(key(t), owner(t, 'next'), LONG_TTL, id);
      t.expect(next.acquired, 'the next owner after the release').toBe(true);
      t.expect((await expectFound(t, next, id, 'after the release'))?.refreshToken, "after the release: the holder's refresh token, never the spent one").toBe(`R1-${t.uid}`);
      await holderStore.deleteToken(id);
      t.expect((await find(key(t), owner(t, 'next'), LONG_TTL, id)).token, 'after the record was deleted (another instance)').toBeNull();
    },
  },
  {
    id: 'lock.acquire-and-find.arguments',
    title: "acquireAndFind: an unknown or empty id gives token null; a bad key, owner, ttl or id is INVALID_ARGUMENT",
    needs: 'acquireAndFind',
    async run(t) {
      const find = acquireAndFindOf(lockOf(t));
      const unknown = await find(key(t, 'unknown'), owner(t, 'a'), LONG_TTL, `no-such-id-${t.uid}`);
      t.expect(unknown, 'an unknown id').toEqual({ acquired: true, token: null });
      t.expect((await find(key(t, 'empty'), owner(t, 'a'), LONG_TTL, '')).token, "an empty id (findTokenById(''): null)").toBeNull();
      await expectStoreError(t, () => find('', owner(t, 'a'), LONG_TTL, 'x'), 'INVALID_ARGUMENT', 'acquireAndFind(empty key)');
      await expectStoreError(t, () => find(key(t, 'bad'), '', LONG_TTL, 'x'), 'INVALID_ARGUMENT', 'acquireAndFind(empty owner)');
      await expectStoreError(t, () => find(key(t, 'bad'), owner(t, 'a'), 0, 'x'), 'INVALID_ARGUMENT', 'acquireAndFind(ttl 0)');
      await expectStoreError(t, () => find(key(t, 'bad'), owner(t, 'a'), LONG_TTL, 'x\uD800'), 'INVALID_ARGUMENT', 'acquireAndFind(id with a lone surrogate)');
      t.expect(await lockOf(t).acquire(key(t, 'bad'), owner(t, 'b'), LONG_TTL), 'the rejected calls took no lease').toBe(true);
    },
  },
];
