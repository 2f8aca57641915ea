import type { RefreshLock } from '@tokenstore/core';
import { expect, it } from 'vitest';
import { sleep } from './sleep.js';

type Leasing = { readonly lock: RefreshLock };

export interface LeaseContentionOptions<S extends Leasing> {
  /** Appended to the byte-for-byte test's title (e.g. `, whatever the collation`). */
  readonly byteExactTitle?: string;
  /** More byte-for-byte checks, after the shared ones (a still holds `longKey` as `Owner`). */
  byteExactChecks?(a: S, b: S, longKey: string): Promise<void>;
}

/**
 * The lease row of a database store, between two instances with their own pools (as far apart as two
 * processes), on the real server's clock: exclusion, expiry, extension, one winner among many
 * simultaneous contenders, and byte-exact keys and owners. `twoProcesses` opens a pair on a new table.
 */
export function leaseContentionTests<S extends Leasing>(twoProcesses: () => readonly [S, S], options: LeaseContentionOptions<S> = {}): void {
  it('excludes other holders across pools until the owner releases it', async () => {
    const [a, b] = twoProcesses();
    expect(await a.lock.acquire('token-1', 'owner-a', 60_000)).toBe(true);
    expect(await b.lock.acquire('token-1', 'owner-b', 60_000)).toBe(false);
    // A different key is a different lease.
    expect(await b.lock.acquire('token-2', 'owner-b', 60_000)).toBe(true);
    // Only the owner releases: b's release of a's lease does nothing.
    await b.lock.release('token-1', 'owner-b');
    expect(await b.lock.acquire('token-1', 'owner-b', 60_000)).toBe(false);
    await a.lock.release('token-1', 'owner-a');
    expect(await b.lock.acquire('token-1', 'owner-b', 60_000)).toBe(true);
  });

  it('expires after its ttl, so a crashed holder blocks others only briefly', async () => {
    const [a, b] = twoProcesses();
    expect(await a.lock.acquire('k', 'crashed-owner', 300)).toBe(true);
    expect(await b.lock.acquire('k', 'owner-b', 60_000)).toBe(false);
    await sleep(450);
    expect(await b.lock.acquire('k', 'owner-b', 60_000)).toBe(true);
    expect(await a.lock.acquire('k', 'crashed-owner', 60_000)).toBe(false);
  });

  it('is extended when its owner acquires it again', async () => {
    const [a, b] = twoProcesses();
    expect(await a.lock.acquire('k', 'owner-a', 600)).toBe(true);
    await sleep(300);
    expect(await a.lock.acquire('k', 'owner-a', 60_000)).toBe(true);
    await sleep(500); // past the first ttl
    expect(await b.lock.acquire('k', 'owner-b', 60_000)).toBe(false);
  });

  it('is granted to exactly one of many simultaneous contenders', async () => {
    const [a, b] = twoProcesses();
    for (let round = 0; round < 5; round++) {
      const key = `race-${round}`;
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).lock.acquire(key, `owner-${i}`, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it(`compares keys and owners byte for byte, at any length${options.byteExactTitle ?? ''}`, async () => {
    const [a, b] = twoProcesses();
    const longKey = 'k'.repeat(8192);
    expect(await a.lock.acquire(longKey, 'Owner', 60_000)).toBe(true);
    expect(await b.lock.acquire(`${longKey} `, 'x', 60_000)).toBe(true);
    expect(await b.lock.acquire('K'.repeat(8192), 'x', 60_000)).toBe(true);
    expect(await b.lock.acquire(longKey, 'owner', 60_000)).toBe(false);
    await b.lock.release(longKey, 'Owner ');
    expect(await b.lock.acquire(longKey, 'x', 60_000)).toBe(false);
    expect(await a.lock.acquire('🔑 clé', 'ö', 60_000)).toBe(true);
    expect(await b.lock.acquire('🔑 clé', 'o\u0308', 60_000)).toBe(false);
    await options.byteExactChecks?.(a, b, longKey);
  });
}
