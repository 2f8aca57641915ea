import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/index.js';
import { MAX_LEASE_TTL_MS, MemoryLock, RecordTokenStore, leaseTtl, type TokenRecord, isTokenStoreError, type RefreshLock } from '../src/store-kit.js';
import { MapBackend } from './helpers/map-backend.js';

const INVALID_TTLS: unknown[] = [0, -1, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1000', null, undefined, 1000n];
const HUGE_TTLS = [9.2e18, Number.MAX_SAFE_INTEGER, Number.MAX_VALUE, 1e12 + 1];

async function rejectsInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), `expected INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
}

describe('leaseTtl: one ttl rule for every lock', () => {
  it('rejects what is not a finite number > 0 with INVALID_ARGUMENT', () => {
    for (const ttl of INVALID_TTLS) {
      let error: unknown;
      try {
        leaseTtl(ttl);
      } catch (e) {
        error = e;
      }
      expect(isTokenStoreError(error, 'INVALID_ARGUMENT'), String(ttl)).toBe(true);
    }
  });

  it('clamps to MAX_LEASE_TTL_MS (1e12, about 31 years) and rounds up to whole milliseconds', () => {
    expect(MAX_LEASE_TTL_MS).toBe(1e12);
    for (const ttl of HUGE_TTLS) expect(leaseTtl(ttl)).toBe(1e12);
    expect(leaseTtl(0.2)).toBe(1);
    expect(leaseTtl(1000)).toBe(1000);
    expect(leaseTtl(1000.5)).toBe(1001);
  });
});

describe('MemoryLock applies it', () => {
  it('a huge ttl acquires and holds; invalid ttls reject and take nothing', async () => {
    let now = 1_000;
    const lock = new MemoryLock({ now: () => now });
    for (const ttl of INVALID_TTLS) await rejectsInvalid(lock.acquire('k', 'a', ttl as number));
    expect(await lock.acquire('k', 'b', 10)).toBe(true);
    await lock.release('k', 'b');
    for (const ttl of HUGE_TTLS) {
      expect(await lock.acquire(`k${ttl}`, 'a', ttl)).toBe(true);
      now += 1e11;
      expect(await lock.acquire(`k${ttl}`, 'b', 10)).toBe(false);
    }
  });
});

describe('the kit passes the clamped ttl to the backend lock', () => {
  class LockBackend extends MapBackend {
    readonly ttls: number[] = [];
    readonly lock: RefreshLock = {
      acquire: async (_key, _owner, ttlMs) => {
        this.ttls.push(ttlMs);
        return true;
      },
      release: async () => {},
    };
    async insert(record: TokenRecord): Promise<void> {
      this.records.set(record.id as string, record);
    }
    async replace(): Promise<boolean> {
      return false;
    }
  }

  it('huge ttls arrive as 1e12; invalid ones never reach the backend', async () => {
    const backend = new LockBackend();
    const store = new RecordTokenStore(backend);
    for (const ttl of INVALID_TTLS) await rejectsInvalid(store.lock!.acquire('k', 'o', ttl as number));
    for (const ttl of HUGE_TTLS) expect(await store.lock!.acquire('k', 'o', ttl)).toBe(true);
    expect(backend.ttls).toEqual(HUGE_TTLS.map(() => 1e12));
  });

  it('lock keys and owners follow the string rule (no lone surrogate, no NUL)', async () => {
    const store = new MemoryStore();
    for (const bad of ['k\uD800', 'k\u0000']) {
      await rejectsInvalid(store.lock!.acquire(bad, 'o', 1000));
      await rejectsInvalid(store.lock!.acquire('k', bad, 1000));
      await rejectsInvalid(store.lock!.release(bad, 'o'));
    }
  });
});
