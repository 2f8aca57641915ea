import { sleep, expectStoreError } from '../assertions.js';
import type { ConformanceCase } from '../conformance-case.js';
import { LONG_TTL, SHORT_TTL, expiryMargin, key, lockOf, owner, peerLock, shortTtl } from './lock-helpers.js';

/** Far beyond any real lease (9.2e18 overflows a BIGINT once added to now); locks clamp them (1e12 ms in core). */
export const HUGE_TTLS = [9.2e18, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, 1e13];
/** Not a ttl: a finite number > 0 is. */
export const INVALID_TTLS: unknown[] = [0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1000', null, undefined];
/** B's lease in the stalled-holder case: long enough for the late calls to land inside it. */
const HOLD_TTL_MS = 1000;
/** A judgement "while B holds" needs the call to have answered this long before B's lease could end. */
const SLACK = 50;
/** The lease of the heartbeat case, renewed every third of it. */
const HEARTBEAT_TTL = 2000;

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
      const [SHORT_TTL, EXPIRY_MARGIN] = [shortTtl(t), expiryMargin(t)];
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
      const [SHORT_TTL, EXPIRY_MARGIN] = [shortTtl(t), expiryMargin(t)];
      const a = lockOf(t);
      const b = await peerLock(t);
      const k = key(t);
      const HOLD_TTL = Math.max(HOLD_TTL_MS, 2 * SHORT_TTL);
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
  {
    id: 'lock.heartbeat-keeps-lease',
    title: `a holder renewing about every third of its ttl (as the refresh engine's heartbeat does) keeps its ${HEARTBEAT_TTL} ms lease for 2 ttls: each renewal extends it from the time of the renewal`,
    needs: 'lock',
    async run(t) {
      // Longer than SHORT_TTL: B's checks between beats must answer well inside a renewal's ttl, also on a
      // loaded machine, or they cannot be judged.
      const ttl = Math.max(HEARTBEAT_TTL, shortTtl(t));
      const a = lockOf(t);
      const b = await peerLock(t);
      const k = key(t);
      t.expect(await a.acquire(k, owner(t, 'a'), ttl), 'A acquires with a short ttl').toBe(true);
      let renewedAt = Date.now();
      const end = renewedAt + 2 * ttl;
      for (let beat = 1; Date.now() < end; beat++) {
        // B polls three times between two beats (a beat every 0.3 ttl): a lease wrongly extended from its
        // first acquire lapses between two beats, where only a poll can see it (A re-takes it at its beat).
        for (let poll = 1; poll <= 3; poll++) {
          await sleep(renewedAt + 0.1 * poll * ttl - Date.now());
          const other = await b.acquire(k, owner(t, 'b'), LONG_TTL);
          // Judge only an answer that came well inside A's latest renewal (a slow machine may take longer).
          if (Date.now() < renewedAt + ttl - SLACK) t.expect(other, `B between A's heartbeats ${beat - 1} and ${beat}: each renewal must extend the lease from the time it was made`).toBe(false);
          else if (other) return; // too late to judge, and B holds it now
        }
        renewedAt = Date.now();
        t.expect(await a.acquire(k, owner(t, 'a'), ttl), `A's heartbeat renewal ${beat}`).toBe(true);
      }
    },
  },
  {
    id: 'lock.renewed-lease-expires',
    title: 'a renewed lease still expires by itself: once the holder stops renewing, another owner acquires after the renewal\'s ttl',
    needs: 'lock',
    async run(t) {
      const ttl = shortTtl(t);
      const a = lockOf(t);
      const b = await peerLock(t);
      const k = key(t);
      t.expect(await a.acquire(k, owner(t, 'a'), ttl), 'A acquires with a short ttl').toBe(true);
      t.expect(await a.acquire(k, owner(t, 'a'), ttl), 'A renews at once with the same ttl').toBe(true);
      const renewed = Date.now();
      await sleep(renewed + ttl + expiryMargin(t) - Date.now());
      t.expect(await b.acquire(k, owner(t, 'b'), LONG_TTL), "B after the renewal's ttl: a renewed lease must expire too").toBe(true);
    },
  },
];
