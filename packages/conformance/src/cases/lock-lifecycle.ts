import { sleep, expectStoreError } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { EXPIRY_MARGIN, LONG_TTL, SHORT_TTL, key, lockOf, owner, peerLock } from './lock-helpers.js';

/** Far beyond any real lease (9.2e18 overflows a BIGINT once added to now); locks clamp them (1e12 ms in core). */
export const HUGE_TTLS = [9.2e18, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 1e13];
/** Not a ttl: a finite number > 0 is. */
export const INVALID_TTLS: unknown[] = [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1000', null, undefined];
/** B's lease in the stalled-holder case: long enough for the late calls to land inside it. */
const HOLD_TTL = 1000;
/** A judgement "while B holds" needs the call to have answered this long before B's lease could end. */
const SLACK = 50;

export const lockLifecycleCases: ConformanceCase[] = [
  {
    id: 'lock.ttl.huge',
    title: 'a huge ttl (9.2e18, Number.MAX_VALUE, MAX_SAFE_INTEGER, 1e13) acquires and holds (clamped, not an error); renewal and release still work',
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      for (const [i, ttl] of HUGE_TTLS.entries()) {
        const k = key(t, `huge-${i}`);
        t.expect(await lock.acquire(k, owner(t, 'a'), ttl), `A acquires with ttl ${ttl}`).toBe(true);
        t.expect(await other.acquire(k, owner(t, 'b'), LONG_TTL), `B while A holds a lease of ttl ${ttl}`).toBe(false);
        t.expect(await lock.acquire(k, owner(t, 'a'), ttl), `A renews with ttl ${ttl}`).toBe(true);
        await lock.release(k, owner(t, 'a'));
        t.expect(await other.acquire(k, owner(t, 'b'), LONG_TTL), `B after A released its lease of ttl ${ttl}`).toBe(true);
      }
    },
  },
  {
    id: 'lock.ttl.invalid',
    title: "acquire with a ttl that is not a finite number > 0 (0, -1, NaN, Infinity, -Infinity, '1000', null, undefined) rejects with INVALID_ARGUMENT and takes or drops nothing",
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      for (const ttl of INVALID_TTLS) {
        const label = typeof ttl === 'string' ? `'${ttl}'` : String(ttl);
        await expectStoreError(t, () => lock.acquire(key(t, 'free'), owner(t, 'a'), ttl as number), 'INVALID_ARGUMENT', `acquire(ttl ${label}) of a free key`);
      }
      t.expect(await other.acquire(key(t, 'free'), owner(t, 'b'), LONG_TTL), 'B acquires the key A tried with invalid ttls').toBe(true);
      for (const ttl of INVALID_TTLS) {
        const label = typeof ttl === 'string' ? `'${ttl}'` : String(ttl);
        await expectStoreError(t, () => other.acquire(key(t, 'free'), owner(t, 'b'), ttl as number), 'INVALID_ARGUMENT', `renewal by the holder with ttl ${label}`);
      }
      t.expect(await lock.acquire(key(t, 'free'), owner(t, 'c'), LONG_TTL), "C while B holds (B's invalid renewals dropped nothing)").toBe(false);
    },
  },
  {
    id: 'lock.renewal-extends',
    title: `re-acquiring by the holder extends the lease: A renews a ${SHORT_TTL} ms lease with a long ttl, and B still gets false after the first ttl has passed`,
    needs: 'lock',
    async run(t) {
      const lock = lockOf(t);
      const other = await peerLock(t);
      t.expect(await lock.acquire(key(t), owner(t, 'a'), SHORT_TTL), 'A acquires with a short ttl').toBe(true);
      const acquired = Date.now();
      t.expect(await lock.acquire(key(t), owner(t, 'a'), LONG_TTL), 'A renews with a long ttl').toBe(true);
      await sleep(acquired + SHORT_TTL + EXPIRY_MARGIN - Date.now());
      t.expect(await other.acquire(key(t), owner(t, 'b'), LONG_TTL), "B after A's first ttl: the renewal must have extended the lease").toBe(false);
    },
  },
  {
    id: 'lock.stalled-holder',
    title:
      "a holder that stalled past its ttl (A) loses the lease to B: A's late renewal returns false, A's late release leaves B's lease (C still cannot acquire), and B's renewal extends B's lease",
    needs: 'lock',
    async run(t) {
      const a = lockOf(t);
      const b = await peerLock(t);
      const k = key(t);
      t.expect(await a.acquire(k, owner(t, 'a'), SHORT_TTL), 'A acquires with a short ttl').toBe(true);
      const acquiredA = Date.now();
      await sleep(acquiredA + SHORT_TTL + EXPIRY_MARGIN - Date.now()); // A stalls past its ttl
      const beforeB = Date.now();
      t.expect(await b.acquire(k, owner(t, 'b'), HOLD_TTL), "B takes over after A's ttl").toBe(true);
      const acquiredB = Date.now();
      // B's lease runs at least until beforeB + HOLD_TTL; judge "while B holds" only inside that.
      const whileBHolds = () => Date.now() < beforeB + HOLD_TTL - SLACK;
      const lateRenewal = await a.acquire(k, owner(t, 'a'), LONG_TTL);
      if (whileBHolds()) t.expect(lateRenewal, "A's late renewal while B holds").toBe(false);
      await a.release(k, owner(t, 'a'));
      const third = await a.acquire(k, owner(t, 'c'), LONG_TTL);
      if (whileBHolds()) t.expect(third, "C after A's late release: B's lease must still hold").toBe(false);
      t.expect(await b.acquire(k, owner(t, 'b'), LONG_TTL), 'B renews with a long ttl').toBe(true);
      await sleep(acquiredB + HOLD_TTL + EXPIRY_MARGIN - Date.now());
      t.expect(await a.acquire(k, owner(t, 'c'), LONG_TTL), "C after B's first ttl: B's renewal must have extended it").toBe(false);
      t.expect(await a.acquire(k, owner(t, 'a'), LONG_TTL), 'A, still late, after B renewed').toBe(false);
    },
  },
];
