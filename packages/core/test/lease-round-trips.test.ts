/**
 * What the refresh lease costs in store round trips, and that its fence stays as strong:
 * - before the save, the lease is confirmed without a round trip while the last confirmed grant is
 *   recent (the heartbeat keeps it so); a renewal is made when the heartbeat fell behind, waited for
 *   when one is on its way (it may report the loss), and nothing is saved under a lapsed lease;
 * - the release does not hold the caller (its token is returned once the save landed), still happens,
 *   is waited for by the next lease on the same key and by close(), and its failure is logged, never thrown.
 */
import { describe, expect, it } from 'vitest';
import { RefreshLease } from '../src/engine/refresh-lease.js';
import { Initializer, MemoryStore, OAuthToken, customEnvironment, type RefreshLock } from '../src/index.js';
import { delegatingStore, gate, rotatingEndpoint, until } from './helpers/lease-faults.js';
import { ManualClock } from './helpers/manual-clock.js';
import { scriptedLock } from './helpers/scripted-lock.js';

describe('RefreshLease.confirmForSave', () => {
  it('within half a ttl of the last confirmed grant: held, with no round trip', async () => {
    const clock = new ManualClock(0);
    const lock = scriptedLock(() => true);
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    await clock.advance(90); // before the first heartbeat (at 100)
    expect(await lease.confirmForSave()).toBe(true);
    expect(lock.calls).toBe(1);
    await clock.advance(150); // heartbeats at 100 and 200 renewed it: the last grant started at 200
    expect(lock.calls).toBe(3);
    expect(await lease.confirmForSave()).toBe(true);
    expect(lock.calls).toBe(3);
    await lease.release();
  });

  it('when the last confirmed grant is older than half a ttl (heartbeat behind), it renews first', async () => {
    const clock = new ManualClock(0);
    let answer: boolean | 'fail' = true;
    const lock = scriptedLock(() => {
      if (answer === 'fail') throw new Error('store did not answer');
      return answer;
    });
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    answer = 'fail';
    await clock.advance(160); // the heartbeat's renewal at 100 failed: the grant from 0 is all there is
    expect(lease.held).toBe(true);
    answer = false; // the store says someone else holds it
    const calls = lock.calls;
    expect(await lease.confirmForSave()).toBe(false);
    expect(lock.calls).toBe(calls + 1);
    expect(lease.held).toBe(false);
    await lease.release();
  });

  it('with an old grant, a renewal that succeeds confirms it', async () => {
    const clock = new ManualClock(0);
    let fail = false;
    const lock = scriptedLock(() => {
      if (fail) throw new Error('store did not answer');
      return true;
    });
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    fail = true;
    await clock.advance(160);
    fail = false;
    const calls = lock.calls;
    expect(await lease.confirmForSave()).toBe(true);
    expect(lock.calls).toBe(calls + 1);
    expect(await lease.confirmForSave()).toBe(true); // the renewal's grant is fresh: no second trip
    expect(lock.calls).toBe(calls + 1);
    await lease.release();
  });

  it('a heartbeat renewal on its way is waited for: if it reports the loss, nothing is saved', async () => {
    const clock = new ManualClock(0);
    const renewal = gate();
    let first = true;
    const lock = scriptedLock(async () => {
      if (first) {
        first = false;
        return true;
      }
      await renewal.promise;
      return false;
    });
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    await clock.advance(100); // the heartbeat's renewal is now on its way
    expect(lock.calls).toBe(2);
    let settled: boolean | undefined;
    const confirmed = lease.confirmForSave().then((held) => (settled = held));
    await clock.advance(1);
    expect(settled).toBeUndefined();
    renewal.open();
    expect(await confirmed).toBe(false);
    expect(lock.calls).toBe(2); // no round trip of its own
    await lease.release();
  });

  it('a lease whose grant ran out is lost: false, with no round trip', async () => {
    const clock = new ManualClock(0);
    // Granted once; every renewal (the heartbeat's) then hangs.
    const lock = scriptedLock(() => lock.calls === 1 || new Promise<boolean>(() => undefined));
    const lease = new RefreshLease(lock, 'k', 'o', 300, clock);
    await lease.tryAcquire();
    await clock.advance(300);
    const before = lock.calls;
    expect(await lease.confirmForSave()).toBe(false);
    expect(lock.calls).toBe(before);
  });
});

const environment = customEnvironment({ tokenEndpoint: 'https://auth.example.test/token', apiUrl: 'https://api.example.test' });

/** An expired token in a MemoryStore seen through a lock that counts, and whose releases a test can hold. */
async function refreshSetup(options: { failRelease?: boolean } = {}) {
  const memory = new MemoryStore();
  const stored = await memory.saveToken(
    new OAuthToken({ userSignature: { name: 'u@example.test' }, clientId: 'cid', clientSecret: 'csecret', refreshToken: 'r0', accessToken: 'a0', expiresAt: Date.now() - 1000 }),
  );
  const inner = memory.lock as RefreshLock;
  const held = { open: () => undefined as void, promise: Promise.resolve() };
  const counts = { acquires: 0, releasesStarted: 0, releasesDone: 0 };
  const lock: RefreshLock = {
    acquire: (key, owner, ttl) => {
      counts.acquires++;
      return inner.acquire(key, owner, ttl);
    },
    release: async (key, owner) => {
      counts.releasesStarted++;
      await held.promise;
      if (options.failRelease) throw new Error('store down during release');
      await inner.release(key, owner);
      counts.releasesDone++;
    },
  };
  const warnings: string[] = [];
  const logger = { debug: () => undefined, info: () => undefined, warn: (message: string) => void warnings.push(message), error: () => undefined };
  const endpoint = rotatingEndpoint();
  const time = { aheadMs: 0 };
  const sdk = await Initializer.initialize({
    environment,
    fetch: endpoint.fetch,
    store: delegatingStore(memory, { lock }),
    token: { id: stored.id as string },
    logger,
    now: () => Date.now() + time.aheadMs,
    refresh: { backoffMs: 1, maxBackoffMs: 20, timeoutMs: 1000, lockTtlMs: 3000, lockPollMs: 2, lockWaitMs: 2000 },
  });
  const holdReleases = () => {
    const g = gate();
    held.promise = g.promise;
    held.open = g.open;
    return g.open;
  };
  return { memory, id: stored.id as string, sdk, counts, warnings, endpoint, holdReleases, time };
}

describe('one refresh under the lease', () => {
  it('costs one acquire (no renewal before the save) and one release, which does not hold the caller', async () => {
    const { memory, id, sdk, counts, holdReleases } = await refreshSetup();
    const openReleases = holdReleases();
    expect(await sdk.getAccessToken()).toBe('a1'); // resolves while the release is still held back
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r1');
    expect(counts.acquires).toBe(1);
    expect(counts.releasesStarted).toBe(1);
    expect(counts.releasesDone).toBe(0);
    openReleases();
    await until(() => counts.releasesDone === 1);
    // Released: anyone may take it at once.
    expect(await memory.lock!.acquire(`tokenstore:refresh:${id}`, 'someone-else', 1000)).toBe(true);
    await sdk.close();
  });

  it('the next lease on the same key waits for the release on its way instead of contending with it', async () => {
    const { memory, id, sdk, counts, endpoint, holdReleases, time } = await refreshSetup();
    const openReleases = holdReleases();
    expect(await sdk.getAccessToken()).toBe('a1');
    // a1 expires: the next refresh needs the lease our own release has not given back yet.
    time.aheadMs = 2 * 3600_000;
    const second = sdk.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(counts.acquires).toBe(1); // waiting for the release, not polling a lease it holds itself
    openReleases();
    expect(await second).toBe('a2');
    expect(endpoint.presented).toEqual(['r0', 'r1']);
    expect(counts.acquires).toBe(2);
    expect((await memory.findTokenById(id))?.refreshToken).toBe('r2');
    await sdk.close();
  });

  it('close() waits for a release on its way', async () => {
    const { sdk, counts, holdReleases } = await refreshSetup();
    const openReleases = holdReleases();
    await sdk.getAccessToken();
    let closed = false;
    const closing = sdk.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    openReleases();
    await closing;
    expect(counts.releasesDone).toBe(1);
  });

  it('a release that fails is logged, never thrown', async () => {
    const { sdk, counts, warnings } = await refreshSetup({ failRelease: true });
    expect(await sdk.getAccessToken()).toBe('a1');
    await until(() => warnings.includes('could not release the refresh lease'));
    expect(counts.releasesStarted).toBe(1);
    await sdk.close();
  });
});
