import type { RefreshLock } from '@tokenstore/core';
import { sleep } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { LONG_TTL, SHORT_TTL, expiryMargin, key, lockOf, owner, peerLock, shortTtl } from './lock-helpers.js';

export const lockCases: ConformanceCase[] = [
  {
    id: 'lock.acquire-exclusive',
    title: 'acquire gives true to the first owner and false to another owner while the lease runs',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'first acquire by A').toBe(true);
      t.expect(await lock.acquire(key(t), owner(t, 'b'), LONG_TTL), 'acquire by B while A holds it').toBe(false);
      t.expect(await lock.acquire(key(t), owner(t, 'c'), LONG_TTL), 'acquire by C while A holds it').toBe(false);
    },
  },
  {
    id: 'lock.reacquire-same-owner',
    title: 'the owner re-acquiring its own lease gets true (and others still get false)',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'first acquire by A').toBe(true);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 're-acquire by A').toBe(true);
      t.expect(await lock.acquire(key(t), owner(t, 'b'), LONG_TTL), 'acquire by B').toBe(false);
    },
  },
  {
    id: 'lock.two-instances',
    title: 'mutual exclusion between two store instances on the same data (openPeer; one instance when absent)',
    needs: 'lock',
    async run(t) {
      const one = lockOf(t);
      const two = await peerLock(t);
      t.expect(await one.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A acquires on instance 1').toBe(true);
      t.expect(await two.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B on instance 2 while A holds it').toBe(false);
      await one.release(key(t), owner(t, 'a'));
      t.expect(await two.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B on instance 2 after A released').toBe(true);
      t.expect(await one.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A on instance 1 while B holds it').toBe(false);
    },
  },
  {
    id: 'lock.release-owner-only',
    title: 'release by a non-owner leaves the lease held; the owner can still release it',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A acquires').toBe(true);
      await other.release(key(t), owner(t, 'b'));
      await lock.release(key(t), owner(t, 'c'));
      t.expect(await other.acquire(key(t), owner(t, 'c'), LONG_TTL), 'C acquires after non-owners released').toBe(false);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A still holds it').toBe(true);
      await lock.release(key(t), owner(t, 'a'));
      t.expect(await other.acquire(key(t), owner(t, 'c'), LONG_TTL), 'C acquires after A released').toBe(true);
    },
  },
  {
    id: 'lock.release-then-acquire',
    title: 'after the owner releases, another owner acquires at once',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A acquires').toBe(true);
      t.expect(await lock.release(key(t), owner(t, 'a')), 'release resolves to undefined').toBeUndefined();
      t.expect(await lock.acquire(key(t), owner(t, 'b'), LONG_TTL), 'B acquires after A released').toBe(true);
    },
  },
  {
    id: 'lock.release-unheld',
    title: 'releasing a key nobody holds resolves (no error) and does not block a later acquire',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      await lock.release(key(t, 'never-held'), owner(t, 'a'));
      t.expect(await lock.acquire(key(t, 'never-held'), owner(t, 'b'), LONG_TTL), 'B acquires').toBe(true);
    },
  },
  {
    id: 'lock.keys-independent',
    title: "leases on different keys are independent (keys compared exactly: no case folding, no '%'/'_' patterns)",
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      t.expect(await lock.acquire(key(t, 'a%'), owner(t, 'a'), LONG_TTL), 'A acquires key "a%"').toBe(true);
      for (const name of ['b', 'ab', 'a_', 'A%', 'a% ', 'a']) {
        t.expect(await lock.acquire(key(t, name), owner(t, 'b'), LONG_TTL), `B acquires another key ${JSON.stringify(name)}`).toBe(true);
      }
      t.expect(await lock.acquire(key(t, 'a%'), owner(t, 'c'), LONG_TTL), 'C acquires key "a%"').toBe(false);
    },
  },
  {
    id: 'lock.expiry',
    title: `a lease holds until its ttl (${SHORT_TTL} ms, rounded up to options.leaseGranularityMs) and then expires by itself: another owner acquires`,
    needs: 'lock',
    async run(t) {
      const [SHORT_TTL, EXPIRY_MARGIN] = [shortTtl(t), expiryMargin(t)];
      const lock = lockOf(t);
      const other = await peerLock(t);
      const start = Date.now();
      t.expect(await lock.acquire(key(t), owner(t, 'a'), SHORT_TTL), 'A acquires with a short ttl').toBe(true);
      // The lease was written between `start` and `acquired`: it runs at least until start + ttl and at
      // most until acquired + ttl, however slow the store answered.
      const acquired = Date.now();
      await sleep(start + SHORT_TTL / 3 - Date.now());
      const before = await other.acquire(key(t), owner(t, 'b'), LONG_TTL);
      // Only judge "still held" when B's answer came before start + ttl (a slow machine may take longer).
      if (Date.now() < start + SHORT_TTL - 50) t.expect(before, 'B before the ttl has passed').toBe(false);
      await sleep(acquired + SHORT_TTL + EXPIRY_MARGIN - Date.now());
      t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), `B ${EXPIRY_MARGIN} ms after A's ttl`).toBe(true);
    },
  },
  {
    id: 'lock.stale-release',
    title: "an owner whose lease expired cannot release the lease another owner took since",
    needs: 'lock',
    async run(t) {
      const [SHORT_TTL, EXPIRY_MARGIN] = [shortTtl(t), expiryMargin(t)];
      const lock = lockOf(t);
      const other = await peerLock(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), SHORT_TTL), 'A acquires with a short ttl').toBe(true);
      const acquired = Date.now();
      await sleep(acquired + SHORT_TTL + EXPIRY_MARGIN - Date.now());
      t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), "B acquires after A's lease expired").toBe(true);
      await lock.release(key(t), owner(t, 'a'));
      t.expect(await lock.acquire(key(t), owner(t, 'c'), LONG_TTL), "C after A's stale release").toBe(false);
    },
  },
  {
    id: 'lock.concurrent-acquire',
    title: 'N owners acquiring one key at once (spread over both instances when openPeer is given): exactly one gets true',
    needs: 'lock',
    async run(t) {
      const locks = [lockOf(t), await peerLock(t)];
      for (const round of [1, 2, 3]) {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (locks[i % 2] as RefreshLock).acquire(key(t, `race-${round}`), owner(t, `${round}-${i}`), LONG_TTL)),
        );
        t.expect(results.filter((r) => r === true).length, `round ${round}: owners that got the lease`).toBe(1);
      }
    },
  },
  {
    id: 'lock.concurrent-takeover',
    title: 'N owners taking over one EXPIRED lease at once (spread over both instances when openPeer is given): exactly one gets true',
    needs: 'lock',
    async run(t) {
      const [SHORT_TTL, EXPIRY_MARGIN] = [shortTtl(t), expiryMargin(t)];
      // Taking over an expired lease is a different path from creating one in many stores (an update
      // guarded by "expired", not an insert guarded by a unique key), so it must be raced separately.
      const locks = [lockOf(t), await peerLock(t)];
      for (const round of [1, 2, 3]) {
        const k = key(t, `takeover-${round}`);
        t.expect(await lockOf(t).acquire(k, owner(t, `crashed-${round}`), SHORT_TTL), `round ${round}: the first holder`).toBe(true);
        await sleep(SHORT_TTL + EXPIRY_MARGIN);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (locks[i % 2] as RefreshLock).acquire(k, owner(t, `${round}-${i}`), LONG_TTL)),
        );
        t.expect(results.filter((r) => r === true).length, `round ${round}: owners that took over the expired lease`).toBe(1);
      }
    },
  },
];
