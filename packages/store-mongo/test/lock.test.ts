import { createHash } from 'node:crypto';
import type { RefreshLock } from '@tokenstore/core';
import { leaseContentionTests, sleep, uniqueName } from '@tokenstore/store-testkit';
import type { Collection, Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MongoLeaseLock } from '../src/mongo-lease-lock.js';
import { adminClient, storeTracker } from './helpers.js';

const admin = adminClient();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.close());
const twoProcesses = (prefix = 'lock') => tracker.openPair({ collection: uniqueName(prefix) });

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The lease documents of one key, newest first, without their ObjectIds. */
async function leasesOf(collection: string, key: string): Promise<Document[]> {
  const documents = await admin
    .db()
    .collection(`${collection}_leases`)
    .find({ key: sha256(key) })
    .sort({ gen: -1 })
    .toArray();
  return documents.map(({ _id, ...rest }) => rest);
}

describe('lease documents', () => {
  it('each acquire or release writes the next generation and deletes the older ones; a release leaves an ownerless tombstone', async () => {
    const collection = uniqueName('lease');
    const store = tracker.open({ collection });
    const key = `refresh:${'k'.repeat(8192)}`; // any length: documents hold the key's SHA-256

    const before = Date.now();
    expect(await store.lock.acquire(key, 'a', 60_000)).toBe(true);
    const [first, ...rest] = await leasesOf(collection, key);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ key: sha256(key), gen: 1, owner: 'a' });
    expect(first?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(first?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    expect(await store.lock.acquire(key, 'a', 60_000)).toBe(true); // extends: generation 2
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[2, 'a']]);

    expect(await store.lock.acquire(key, 'b', 60_000)).toBe(false); // writes nothing
    await store.lock.release(key, 'b'); // not the owner: writes nothing
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[2, 'a']]);

    await store.lock.release(key, 'a');
    expect(await leasesOf(collection, key)).toEqual([{ key: sha256(key), gen: 3, owner: null, expiresAt: 0 }]);
    await store.lock.release(key, 'a'); // released already: nothing
    expect(await store.lock.acquire(key, 'b', 60_000)).toBe(true);
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[4, 'b']]);
  });
});

describe('leases across two instances', () => {
  leaseContentionTests(() => twoProcesses());
});

describe('races', () => {
  it('takers of an expired lease on two instances: exactly one wins, round after round', async () => {
    const [one, two] = twoProcesses('race');
    const locks = [one.lock, two.lock];
    for (let round = 0; round < 15; round++) {
      const key = `expired-${round}`;
      expect(await one.lock.acquire(key, 'previous', 1)).toBe(true);
      await sleep(5);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (locks[i % 2] as RefreshLock).acquire(key, `taker-${i}`, 60_000)));
      const winners = results.flatMap((won, i) => (won ? [`taker-${i}`] : []));
      expect(winners, `round ${round}`).toHaveLength(1);
      // The lease really is the winner's: nobody else gets it, and the winner can release it.
      expect(await two.lock.acquire(key, 'late', 60_000)).toBe(false);
      await one.lock.release(key, winners[0] as string);
      expect(await two.lock.acquire(key, 'late', 60_000)).toBe(true);
    }
  });

  it('an owner extending its lease while another takes it over after expiry: exactly one holds it', async () => {
    const [one, two] = twoProcesses('extend');
    for (let round = 0; round < 15; round++) {
      const key = `extend-${round}`;
      expect(await one.lock.acquire(key, 'holder', 1)).toBe(true);
      await sleep(5);
      const [extended, taken] = await Promise.all([one.lock.acquire(key, 'holder', 60_000), two.lock.acquire(key, 'taker', 60_000)]);
      expect([extended, taken].filter(Boolean), `round ${round}`).toHaveLength(1);
      const holder = extended ? 'holder' : 'taker';
      const other = extended ? 'taker' : 'holder';
      expect(await two.lock.acquire(key, other, 60_000)).toBe(false);
      expect(await one.lock.acquire(key, holder, 60_000)).toBe(true);
    }
  });

  it('a process that stalls between reading the lease and writing the next generation does not win a generation freed since', async () => {
    const collection = uniqueName('stall');
    const [store, peer] = tracker.openPair({ collection });
    const key = 'stalled';
    expect(await store.lock.acquire(key, 'a', 1)).toBe(true); // generation 1, expires at once
    await sleep(5);

    // Process S reads generation 1 (expired) and stalls before inserting generation 2. Meanwhile B
    // takes over (generation 2) and, once B's lease expired, C takes over (generation 3) and deletes
    // generation 2, which is free again when S resumes.
    expect(await peer.lock.acquire(key, 'b', 1)).toBe(true); // generation 2
    await sleep(5);
    expect(await peer.lock.acquire(key, 'c', 60_000)).toBe(true); // generation 3; generation 2 deleted
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[3, 'c']]);

    // S resumes with what it read before the stall: it inserts generation 2 (free again), re-reads,
    // sees generation 3 and does not claim the lease.
    const leases = admin.db().collection(`${collection}_leases`);
    const resumed = new MongoLeaseLock(async () => staleView(leases, key));
    expect(await resumed.acquire(key, 's', 60_000)).toBe(false);
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([
      [3, 'c'],
      [2, 's'],
    ]);
    expect(await store.lock.acquire(key, 'd', 60_000)).toBe(false); // C still holds it
    expect(await store.lock.acquire(key, 'c', 60_000)).toBe(true); // and can extend it (cleaning up S's stray generation)
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[4, 'c']]);
  });
});

/**
 * The lease collection as the stalled process saw it: its first read of the key returns generation 1
 * (what it read before the stall), every other command goes to the real collection.
 */
function staleView(leases: Collection<Document>, key: string): Collection<Document> {
  let firstRead = true;
  return new Proxy(leases, {
    get(target, property, receiver) {
      if (property === 'find' && firstRead) {
        firstRead = false;
        return () => ({ sort: () => ({ limit: () => ({ toArray: async () => [{ key: sha256(key), gen: 1, owner: 'a', expiresAt: 0 }] }) }) });
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
