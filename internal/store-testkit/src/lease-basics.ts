import type { TokenStore } from '@tokenstore/core';
import { expect, it } from 'vitest';

/**
 * The lease contract on instances of one store in this process: one owner at a time, re-acquiring
 * extends, only the owner releases, and a lease expires by itself after its ttl on the store's clock.
 * `open` gives a new instance on the same storage each call.
 */
export function leaseBasicsTests<S extends TokenStore>(open: (options?: { now?: () => number }) => S, afterExpiry?: (store: S) => void): void {
  it('grants one owner at a time across instances, extends for the holder, releases only for the owner', async () => {
    const s = open();
    const peer = open();
    expect(await s.lock!.acquire('k', 'o1', 60_000)).toBe(true);
    expect(await peer.lock!.acquire('k', 'o2', 60_000)).toBe(false);
    expect(await peer.lock!.acquire('k', 'o1', 60_000)).toBe(true); // re-acquire extends
    await peer.lock!.release('k', 'o2'); // not the owner: no effect
    expect(await s.lock!.acquire('k', 'o2', 60_000)).toBe(false);
    await s.lock!.release('k', 'o1');
    expect(await peer.lock!.acquire('k', 'o2', 60_000)).toBe(true);
    expect(await s.lock!.acquire('another key', 'o1', 60_000)).toBe(true);
  });

  it('expires by itself after ttl (a crashed holder blocks for at most ttl)', async () => {
    let now = 5_000_000;
    const s = open({ now: () => now });
    expect(await s.lock!.acquire('k', 'o1', 500)).toBe(true);
    now += 499;
    expect(await s.lock!.acquire('k', 'o2', 500)).toBe(false);
    now += 1;
    expect(await s.lock!.acquire('k', 'o2', 500)).toBe(true);
    afterExpiry?.(s);
  });
}
