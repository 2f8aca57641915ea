/**
 * RefreshLease on its own, with an injected clock: when a renewal proves the lease continuous, when
 * the lease counts as lost (for good), and that the heartbeat never keeps a process alive by itself.
 */
import { describe, expect, it, vi } from 'vitest';
import { RefreshLease } from '../src/engine/refresh-lease.js';
import { systemClock, type Clock, type RefreshLock } from '../src/index.js';
import { ManualClock } from './helpers/manual-clock.js';
import { scriptedLock } from './helpers/scripted-lock.js';

/** A clock read from a variable the test moves; its waits are the system's (none of these tests waits). */
const readClock = (now: () => number): Clock => ({ now, sleep: systemClock.sleep, every: systemClock.every });

describe('RefreshLease', () => {
  it('is held until the last grant runs out; a renewal before then extends it from when it started', async () => {
    let now = 1000;
    const lease = new RefreshLease(scriptedLock(() => true), 'k', 'o', 300, readClock(() => now));
    expect(await lease.tryAcquire()).toBe(true);
    now = 1299;
    expect(lease.held).toBe(true);
    expect(await lease.renew()).toBe(true); // holds until 1299 + 300
    now = 1598;
    expect(lease.held).toBe(true);
    await lease.release();
  });

  it('a renewal answered false loses the lease for good', async () => {
    let granted = true;
    const lease = new RefreshLease(scriptedLock(() => granted), 'k', 'o', 300, readClock(() => 0));
    await lease.tryAcquire();
    granted = false;
    expect(await lease.renew()).toBe(false);
    granted = true;
    expect(await lease.renew()).toBe(false);
    expect(lease.held).toBe(false);
    await lease.release();
  });

  it('a renewal that succeeds only after the grant ran out does not count: someone may have held it meanwhile', async () => {
    let now = 0;
    let answeredAt = 0;
    const lease = new RefreshLease(
      scriptedLock(() => {
        now = answeredAt;
        return true;
      }),
      'k',
      'o',
      300,
      readClock(() => now),
    );
    await lease.tryAcquire(); // answered at 0: held until 300
    now = 200;
    answeredAt = 400; // this renewal starts in time but the store answers after 300
    expect(await lease.renew()).toBe(false);
    expect(lease.held).toBe(false);
    await lease.release();
  });

  it('a renewal the store could not answer proves nothing: held until the last grant runs out', async () => {
    let now = 0;
    let fail = false;
    const lease = new RefreshLease(
      scriptedLock(() => {
        if (fail) throw new Error('store down');
        return true;
      }),
      'k',
      'o',
      300,
      readClock(() => now),
    );
    await lease.tryAcquire();
    fail = true;
    now = 100;
    expect(await lease.renew()).toBe(true);
    now = 300;
    expect(await lease.renew()).toBe(false);
    await lease.release();
  });

  it('release waits for a renewal still on its way, so the store never sees it after the release', async () => {
    const order: string[] = [];
    let answer: (held: boolean) => void = () => undefined;
    const lock: RefreshLock = {
      acquire: () => {
        order.push('acquire');
        return order.length === 1 ? Promise.resolve(true) : new Promise<boolean>((resolve) => (answer = resolve));
      },
      release: async () => void order.push('release'),
    };
    const clock = new ManualClock();
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    const renewal = lease.renew();
    const released = lease.release();
    await clock.advance(299); // still within the ttl: release keeps waiting for the renewal
    expect(order).toEqual(['acquire', 'acquire']);
    answer(true);
    await Promise.all([renewal, released]);
    expect(order).toEqual(['acquire', 'acquire', 'release']);
    expect(await lease.renew()).toBe(false); // released: never renewed again
    expect(clock.pending).toBe(0); // the bounded wait ended with the renewal: no timer left behind
  });

  it('release does not wait longer than a ttl for a renewal the store never answers', async () => {
    let calls = 0;
    const lock: RefreshLock = { acquire: () => (++calls === 1 ? Promise.resolve(true) : new Promise<boolean>(() => undefined)), release: async () => undefined };
    const clock = new ManualClock();
    const lease = new RefreshLease(lock, 'k', 'o', 20, clock);
    await lease.tryAcquire();
    void lease.renew();
    let released = false;
    const release = lease.release().then(() => (released = true));
    await clock.advance(19);
    expect(released).toBe(false);
    await clock.advance(1);
    await release;
    expect(released).toBe(true);
  });

  it('the heartbeat renews every ttl/3 on the clock and stops on release', async () => {
    const lock = scriptedLock(() => true);
    const clock = new ManualClock();
    const lease = new RefreshLease(lock, 'k', 'o', 30, clock);
    await lease.tryAcquire();
    await clock.advance(9);
    expect(lock.calls).toBe(1);
    await clock.advance(1);
    expect(lock.calls).toBe(2);
    await clock.advance(20);
    expect(lock.calls).toBe(4); // the acquire plus a renewal at 10, 20 and 30
    await lease.release();
    expect(clock.pending).toBe(0);
    await clock.advance(100);
    expect(lock.calls).toBe(4);
    expect(lock.released).toBe(1);
  });

  it("the system clock's heartbeat is unref'd (it never keeps a process alive) and its sleep is not", async () => {
    const every = vi.spyOn(globalThis, 'setInterval');
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    try {
      const stop = systemClock.every(10_000, () => undefined);
      expect(every).toHaveBeenCalledWith(expect.any(Function), 10_000);
      expect((every.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
      stop();
      const abort = new AbortController();
      const sleeping = systemClock.sleep(10_000, abort.signal);
      expect(timeout).toHaveBeenCalledWith(expect.any(Function), 10_000);
      const timer = timeout.mock.results.at(-1)?.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(true);
      abort.abort();
      await sleeping; // an aborted sleep resolves at once
    } finally {
      every.mockRestore();
      timeout.mockRestore();
    }
  });
});
