/**
 * A lock that offers saveAndRelease: the save that ends a refresh gives the lease back in the same
 * round trip, and the engine's own release then sends nothing, except when it must:
 * - released: no release call, and the lease is free at once;
 * - not released (the store saved the ordinary way): the usual release;
 * - a heartbeat renewal on its way at the give-back may land after it and take the lease again: the
 *   engine waits for it and releases as usual.
 */
import { describe, expect, it } from 'vitest';
import { Initializer, MemoryStore, OAuthToken, customEnvironment, type RefreshLock } from '../src/index.js';
import { delegatingStore, gate, rotatingEndpoint, until } from './helpers/lease-faults.js';

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });

async function setup(options: { releases?: boolean; beforeAnswer?: () => Promise<void>; ttlMs?: number; renewal?: () => Promise<void> } = {}) {
  const memory = new MemoryStore();
  const stored = await memory.saveToken(
    new OAuthToken({ userSignature: { name: 'u@example.test' }, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'r0', accessToken: 'a0', expiresAt: Date.now() - 1000 }),
  );
  const inner = memory.lock as RefreshLock;
  const counts = { acquires: 0, renewals: 0, releases: 0, saveAndRelease: 0 };
  const owners = new Set<string>();
  const lock: RefreshLock = {
    acquire: async (key, owner, ttl) => {
      counts.acquires++;
      if (owners.has(owner)) {
        counts.renewals++;
        await options.renewal?.();
      }
      owners.add(owner);
      return inner.acquire(key, owner, ttl);
    },
    release: (key, owner) => {
      counts.releases++;
      return inner.release(key, owner);
    },
    saveAndRelease: async (token, key, owner) => {
      counts.saveAndRelease++;
      const saved = await memory.saveToken(token);
      await options.beforeAnswer?.();
      if (options.releases === false) return { token: saved, released: false };
      await inner.release(key, owner);
      return { token: saved, released: true };
    },
  };
  const endpoint = rotatingEndpoint({ reuseDetection: true });
  const ttl = options.ttlMs ?? 3000;
  const sdk = await Initializer.initialize({
    environment,
    fetch: endpoint.fetch,
    store: delegatingStore(memory, { lock }),
    token: { id: stored.id as string },
    refresh: { backoffMs: 1, maxBackoffMs: 20, timeoutMs: Math.min(1000, ttl - 1), lockTtlMs: ttl, lockPollMs: 2, lockWaitMs: 2000 },
  });
  return { memory, id: stored.id as string, sdk, counts, endpoint, key: `tokenstore:refresh:id:${stored.id}` };
}

describe('the engine with saveAndRelease', () => {
  it('the save gives the lease back: no release of its own, and the lease is free at once', async () => {
    const { memory, id, sdk, counts, key } = await setup();
    expect(await sdk.getAccessToken()).toBe('a1');
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r1');
    await sdk.close();
    expect(counts).toMatchObject({ saveAndRelease: 1, releases: 0 });
    expect(await memory.lock!.acquire(key, 'someone-else', 1000)).toBe(true);
  });

  it('a store that saved without releasing: the engine releases as usual', async () => {
    const { memory, sdk, counts, key } = await setup({ releases: false });
    expect(await sdk.getAccessToken()).toBe('a1');
    await sdk.close();
    expect(counts).toMatchObject({ saveAndRelease: 1, releases: 1 });
    expect(await memory.lock!.acquire(key, 'someone-else', 1000)).toBe(true);
  });

  it('a heartbeat renewal on its way at the give-back: waited for, then released as usual', async () => {
    const renewalGate = gate();
    let counts = { acquires: 0, renewals: 0, releases: 0, saveAndRelease: 0 };
    const setupResult = await setup({
      ttlMs: 300, // the heartbeat renews every 100 ms
      renewal: () => renewalGate.promise, // a renewal hangs until the test lets it through
      beforeAnswer: () => until(() => counts.renewals > 0), // the save answers once a renewal is on its way
    });
    counts = setupResult.counts;
    const { memory, sdk, key } = setupResult;
    const asked = sdk.getAccessToken();
    expect(await asked).toBe('a1');
    expect(counts.releases).toBe(0); // the renewal has not landed: nothing to release yet
    renewalGate.open(); // the renewal lands after the give-back and takes the lease again...
    await until(() => counts.releases === 1); // ...so the engine releases it
    await sdk.close();
    expect(await memory.lock!.acquire(key, 'someone-else', 1000)).toBe(true);
  });
});
