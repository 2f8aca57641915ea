import { assertLeaseHolder } from './lease-holder.js';
import { leaseTtl } from './lease-ttl.js';
import type { RefreshLock } from './token-store.js';

interface Lease {
  owner: string;
  expiresAt: number;
}

/** A RefreshLock for one process: leases in a Map that expire after their ttl (core's `assertLeaseHolder` and `leaseTtl` rules). */
export class MemoryLock implements RefreshLock {
  readonly #leases = new Map<string, Lease>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertLeaseHolder(key, owner);
    const ttl = leaseTtl(ttlMs);
    const now = this.#now();
    const lease = this.#leases.get(key);
    if (lease && lease.owner !== owner && lease.expiresAt > now) return false;
    this.#leases.set(key, { owner, expiresAt: now + ttl });
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    assertLeaseHolder(key, owner);
    if (this.#leases.get(key)?.owner === owner) this.#leases.delete(key);
  }

  clear(): void {
    this.#leases.clear();
  }
}
