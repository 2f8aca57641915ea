import { expectStoreError } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { UNSTORABLE_STRINGS, utf8Twin } from '../values.js';
import { LONG_TTL, key, lockOf, owner, peerLock } from './lock-helpers.js';

/**
 * Lock keys and owners no store can hold exactly: empty, or unstorable (a lone surrogate a UTF-8 driver
 * turns into U+FFFD, a NUL). Accepted, `owner\uD800` could renew or release the lease of `owner\uFFFD`.
 */
const BAD_HOLDER_STRINGS: [string, string][] = [["''", ''], ...UNSTORABLE_STRINGS.map((s): [string, string] => [JSON.stringify(s), s])];

export const lockHolderCases: ConformanceCase[] = [
  {
    id: 'lock.invalid-key-or-owner',
    title:
      "acquire and release with a lock key or owner that is empty or unstorable (a lone surrogate, a NUL) reject with INVALID_ARGUMENT and take or drop nothing (a lossy store would confuse them with their U+FFFD twins)",
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      for (const [label, bad] of BAD_HOLDER_STRINGS) {
        const badKey = bad === '' ? '' : key(t, bad);
        await expectStoreError(t, () => lock.acquire(badKey, owner(t, 'a'), LONG_TTL), 'INVALID_ARGUMENT', `acquire(key ${label})`);
        await expectStoreError(t, () => lock.release(badKey, owner(t, 'a')), 'INVALID_ARGUMENT', `release(key ${label})`);
        await expectStoreError(t, () => lock.acquire(key(t, 'free'), bad === '' ? '' : owner(t, bad), LONG_TTL), 'INVALID_ARGUMENT', `acquire(owner ${label})`);
      }
      // Nothing was taken: the twins of the rejected keys, and the key the rejected owners tried, are free.
      for (const twin of new Set(UNSTORABLE_STRINGS.map(utf8Twin).filter((s) => !UNSTORABLE_STRINGS.includes(s)))) {
        t.expect(await other.acquire(key(t, twin), owner(t, 'b'), LONG_TTL), `B acquires the U+FFFD twin key ${JSON.stringify(twin)}`).toBe(true);
      }
      t.expect(await other.acquire(key(t, 'free'), owner(t, 'b'), LONG_TTL), 'B acquires the key the rejected owners tried').toBe(true);
      // Nothing was dropped: releases by the held lease's owner twins reject and leave B's lease in place.
      const heldBy = owner(t, 'x\uFFFDy');
      t.expect(await other.acquire(key(t, 'held'), heldBy, LONG_TTL), 'B takes a lease as an owner with U+FFFD').toBe(true);
      await expectStoreError(t, () => lock.release(key(t, 'held'), owner(t, 'x\uD800y')), 'INVALID_ARGUMENT', 'release by the lone-surrogate twin of the holder');
      await expectStoreError(t, () => lock.acquire(key(t, 'held'), owner(t, 'x\uD800y'), LONG_TTL), 'INVALID_ARGUMENT', 'renewal by the lone-surrogate twin of the holder');
      t.expect(await lock.acquire(key(t, 'held'), owner(t, 'c'), LONG_TTL), "C while B holds (the twins' calls dropped nothing)").toBe(false);
      for (const [label, bad] of BAD_HOLDER_STRINGS) {
        await expectStoreError(t, () => lock.release(key(t, 'held'), bad === '' ? '' : owner(t, bad)), 'INVALID_ARGUMENT', `release(owner ${label})`);
      }
      t.expect(await lock.acquire(key(t, 'held'), owner(t, 'c'), LONG_TTL), 'C while B holds (the rejected releases dropped nothing)').toBe(false);
    },
  },
];
