/**
 * RefreshLease on its own, with an injected clock: when a renewal proves the lease continuous, when
 * the lease counts as lost (for good), and that the heartbeat never keeps a process alive by itself.
 */
import { describe, expect, it, vi } from 'vitest';
import { RefreshLease } from '../src/engine/refresh-lease.js';
import type { RefreshLock } from '../src/index.js';

/** A lock answering from a script; `calls` counts acquires. */
function scriptedLock(answer: () => Promise<boolean> | boolean) {
  const lock = {
    calls: 0,
    released: 0,
    acquire: async () => {
      lock.calls++;
      return answer();
    },
    release: async () => {
      lock.released++;
    },
  };
  return lock satisfies RefreshLock & { calls: number };
}

describe('RefreshLease', () => {
  it('is held until the last grant runs out; a renewal before then extends it from when it started', async () => {
    let now = 1000;
    const lease = new RefreshLease(scriptedLock(() => true), 'k', 'o', 300, () => now);
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
    const lease = new RefreshLease(scriptedLock(() => granted), 'k', 'o', 300, () => 0);
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
      () => now,
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
      () => now,
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
    const lease = new RefreshLease(lock, 'k', 'o', 300, Date.now);
    await lease.tryAcquire();
    const renewal = lease.renew();
    const released = lease.release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['acquire', 'acquire']);
    answer(true);
    await Promise.all([renewal, released]);
    expect(order).toEqual(['acquire', 'acquire', 'release']);
    expect(await lease.renew()).toBe(false); // released: never renewed again
  });

  it('release does not wait longer than a ttl for a renewal the store never answers', async () => {
    let calls = 0;
    const lock: RefreshLock = { acquire: () => (++calls === 1 ? Promise.resolve(true) : new Promise<boolean>(() => undefined)), release: async () => undefined };
    const lease = new RefreshLease(lock, 'k', 'o', 20, Date.now);
    await lease.tryAcquire();
    void lease.renew();
    const started = Date.now();
    await lease.release();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("the heartbeat renews every ttl/3, is unref'd, and stops on release", async () => {
    const lock = scriptedLock(() => true);
    const spy = vi.spyOn(globalThis, 'setInterval');
    try {
      const lease = new RefreshLease(lock, 'k', 'o', 30, Date.now);
      await lease.tryAcquire();
      expect(spy).toHaveBeenCalledWith(expect.any(Function), 10);
      expect((spy.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 45));
      expect(lock.calls).toBeGreaterThanOrEqual(3); // the acquire plus at least two renewals
      await lease.release();
      const after = lock.calls;
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(lock.calls).toBe(after);
      expect(lock.released).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
