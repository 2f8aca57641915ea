/**
 * A lock that offers acquireAndFind: the engine takes the lease and reads the token it is about to
 * refresh in one round trip, and never uses that read once it may be stale:
 * - a refresh makes no findTokenById of its own; a poll while another process holds the lease neither;
 * - the read is used only for the very token object it was made for (RefreshLease.takeRead);
 * - a read that fails after the lease was taken gives the lease back.
 */
import { describe, expect, it } from 'vitest';
import { RefreshLease } from '../src/engine/refresh-lease.js';
import { Initializer, MemoryStore, OAuthToken, TokenStoreError, customEnvironment, type RefreshLock } from '../src/index.js';
import { delegatingStore, rotatingEndpoint, until } from './helpers/lease-faults.js';
import { ManualClock } from './helpers/manual-clock.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });
const REFRESH = { backoffMs: 1, maxBackoffMs: 20, timeoutMs: 1000, lockTtlMs: 3000, lockPollMs: 2, lockWaitMs: 2000 };

async function setup(options: { readFails?: boolean } = {}) {
  const memory = new MemoryStore();
  const stored = await memory.saveToken(
    new OAuthToken({ userSignature: { name: 'u@example.test' }, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'r0', accessToken: 'a0', expiresAt: Date.now() - 1000 }),
  );
  const inner = memory.lock as RefreshLock;
  const counts = { acquire: 0, acquireAndFind: 0, findTokenById: 0 };
  const lock: RefreshLock = {
    acquire: (key, owner, ttl) => {
      counts.acquire++;
      return inner.acquire(key, owner, ttl);
    },
    release: (key, owner) => inner.release(key, owner),
    acquireAndFind: async (key, owner, ttl, id) => {
      counts.acquireAndFind++;
      const acquired = await inner.acquire(key, owner, ttl);
      if (options.readFails) throw new TokenStoreError('STORE_CORRUPT', 'a stored row cannot be read');
      return { acquired, token: await memory.findTokenById(id) };
    },
  };
  const store = delegatingStore(memory, {
    lock,
    findTokenById: (id) => {
      counts.findTokenById++;
      return memory.findTokenById(id);
    },
  });
  const endpoint = rotatingEndpoint({ reuseDetection: true });
  const sdk = await Initializer.initialize({ environment, fetch: endpoint.fetch, store, token: { id: stored.id as string }, refresh: REFRESH });
  counts.findTokenById = 0; // the initial load is not part of a refresh
  return { memory, id: stored.id as string, sdk, counts, endpoint, key: `tokenstore:refresh:id:${stored.id}` };
}

describe('the engine with acquireAndFind', () => {
  it('a refresh reads its token with the acquire: no findTokenById, no plain acquire', async () => {
    const { memory, id, sdk, counts, endpoint } = await setup();
    expect(await sdk.getAccessToken()).toBe('a1');
    expect(counts).toEqual({ acquire: 0, acquireAndFind: 1, findTokenById: 0 });
    expect(endpoint.presented).toEqual(['r0']);
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r1');
    await sdk.close();
  });

  it('polling while another process holds the lease: each poll reads with its acquire and adopts what the holder saved', async () => {
    const { memory, id, sdk, counts, endpoint, key } = await setup();
    expect(await memory.lock!.acquire(key, 'another-process', 60_000)).toBe(true);
    const asked = sdk.getAccessToken();
    await new Promise((r) => setTimeout(r, 300)); console.log('DBG', counts, await memory.lock!.acquire(key, 'another-process', 60_000));
    await until(() => counts.acquireAndFind > 1); // it polled
    // The holder saves what it refreshed (and keeps the lease for now).
    const stored = (await memory.findTokenById(id)) as OAuthToken;
    await memory.saveToken(stored.with({ refreshToken: 'r9', accessToken: 'a9', expiresAt: Date.now() + 3600_000 }));
    expect(await asked).toBe('a9');
    expect(endpoint.presented).toEqual([]);
    expect(counts.findTokenById).toBe(0);
    await sdk.close();
  });

  it('a read that fails after the lease was taken gives the lease back, and the caller gets the code', async () => {
    const { memory, sdk, key, endpoint } = await setup({ readFails: true });
    await expect(sdk.getAccessToken()).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(endpoint.presented).toEqual([]);
    expect(await memory.lock!.acquire(key, 'someone-else', 1000)).toBe(true);
    await sdk.close();
  });
});

describe('RefreshLease.takeRead', () => {
  const token = new OAuthToken({ id: 't1', refreshToken: 'r0' });
  const stored = new OAuthToken({ id: 't1', refreshToken: 'r1' });
  const lock: RefreshLock = { acquire: async () => true, release: async () => undefined, acquireAndFind: async () => ({ acquired: true, token: stored }) };

  it('gives the read once, and only for the very token object it was read for', async () => {
    const lease = new RefreshLease(lock, 'k', 'o', 3000, new ManualClock(0));
    expect(await lease.tryAcquire(token)).toBe(true);
    expect(lease.takeRead(token.with({}))).toBeUndefined(); // an equal token, but a newer object: not this read
    expect(await lease.tryAcquire(token)).toBe(true);
    expect(lease.takeRead(token)).toEqual({ token: stored });
    expect(lease.takeRead(token)).toBeUndefined();
    await lease.release();
  });

  it('reads nothing for a token without an id (the engine then looks it up by its identifiers)', async () => {
    const lease = new RefreshLease(lock, 'k', 'o', 3000, new ManualClock(0));
    const unsaved = new OAuthToken({ refreshToken: 'r0' });
    expect(await lease.tryAcquire(unsaved)).toBe(true);
    expect(lease.takeRead(unsaved)).toBeUndefined();
    await lease.release();
  });
});
