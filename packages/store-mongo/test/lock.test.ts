import { createHash } from 'node:crypto';
import type { RefreshLock } from '@tokenstore/core';
import { leaseContentionTests, sleep, uniqueName } from '@tokenstore/store-testkit';
import { ObjectId, type Collection, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { LEASE_INDEXES, ensureIndexes } from '../src/indexes.js';
import { DEFAULT_LEASE_SLOTS, MongoLeaseLock } from '../src/mongo-lease-lock.js';
import { adminClient, storeTracker } from './helpers.js';

const admin = adminClient();
const tracker = storeTracker(admin).cleanUpAfterTests(() => admin.close());
const twoProcesses = (prefix = 'lock') => tracker.openPair({ collection: uniqueName(prefix) });

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The slot a lock key's documents go to (the key's digest, hashed again, over `slots`). */
const slotOf = (key: string, slots = DEFAULT_LEASE_SLOTS) => `slot:${Number.parseInt(sha256(sha256(key)).slice(0, 8), 16) % slots}`;

/** The lease documents of one key, newest first, without their ObjectIds. */
async function leasesOf(collection: string, key: string): Promise<Document[]> {
  const documents = await admin
    .db()
    .collection(`${collection}_leases`)
    .find({ lease: sha256(key) })
    .sort({ gen: -1 })
    .toArray();
  return documents.map(({ _id, ...rest }) => rest);
}

/** A lease collection with its index, and a lock on it over `slots` slots. */
async function slottedLock(slots: number) {
  const name = uniqueName('slots');
  tracker.open({ collection: name }); // dropped after the test, with its lease collection
  const leases = admin.db().collection(`${name}_leases`);
  await ensureIndexes(leases, LEASE_INDEXES);
  return { leases, lock: () => new MongoLeaseLock(async () => leases, Date.now, slots) };
}

describe('lease documents', () => {
  it("each acquire or release writes its slot's next generation and deletes the key's older ones; a release leaves an ownerless tombstone", async () => {
    const collection = uniqueName('lease');
    const store = tracker.open({ collection });
    const key = `refresh:${'k'.repeat(8192)}`; // any length: documents hold the key's SHA-256
    const slot = slotOf(key);

    const before = Date.now();
    expect(await store.lock.acquire(key, 'a', 60_000)).toBe(true);
    const [first, ...rest] = await leasesOf(collection, key);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ key: slot, gen: 1, lease: sha256(key), owner: 'a' });
    expect(first?.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(first?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    expect(await store.lock.acquire(key, 'a', 60_000)).toBe(true); // extends: generation 2
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[2, 'a']]);

    expect(await store.lock.acquire(key, 'b', 60_000)).toBe(false); // writes nothing
    await store.lock.release(key, 'b'); // not the owner: writes nothing
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[2, 'a']]);

    await store.lock.release(key, 'a');
    expect(await leasesOf(collection, key)).toEqual([{ key: slot, gen: 3, lease: sha256(key), owner: null, expiresAt: 0 }]);
    await store.lock.release(key, 'a'); // released already: nothing
    expect(await store.lock.acquire(key, 'b', 60_000)).toBe(true);
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[4, 'b']]);
  });

  it('what a quiet collection holds is bounded by the slots, not by the keys ever leased', async () => {
    const { leases, lock } = await slottedLock(4);
    const [one, two] = [lock(), lock()];
    for (let i = 0; i < 40; i++) {
      const key = `token-${i}`;
      expect(await one.acquire(key, `owner-${i}`, 60_000)).toBe(true);
      await (i % 2 ? one : two).release(key, `owner-${i}`);
    }
    expect(await leases.countDocuments()).toBeLessThanOrEqual(4);
    expect(await leases.countDocuments({ owner: { $ne: null } })).toBe(0);
    // Held leases stay (one document each), and expired ones are cleared by the next change in their slot.
    expect(await one.acquire('held', 'h', 60_000)).toBe(true);
    for (let i = 0; i < 8; i++) expect(await two.acquire(`crashed-${i}`, 'gone', 1)).toBe(true);
    await sleep(5);
    for (let i = 0; i < 40; i++) {
      expect(await one.acquire(`token-${i}`, 'again', 60_000)).toBe(true);
      await one.release(`token-${i}`, 'again');
    }
    expect(await leases.countDocuments()).toBeLessThanOrEqual(4 + 1);
    expect(await leases.countDocuments({ owner: 'h' })).toBe(1);
    expect(await two.acquire('held', 'other', 60_000)).toBe(false);
  });

  it('documents of the per-key layout (one tombstone per key ever leased) are cleared, live ones kept', async () => {
    const { leases, lock } = await slottedLock(4);
    const legacy = (key: string, owner: string | null, expiresAt: number) => ({ key: sha256(key), gen: 7, owner, expiresAt });
    await leases.insertMany([legacy('old-1', null, 0), legacy('old-2', 'crashed', 1), legacy('old-3', 'alive', Date.now() + 60_000)]);
    expect(await lock().acquire('new', 'n', 60_000)).toBe(true);
    expect((await leases.find({ lease: { $exists: false } }).toArray()).map((d) => d.owner)).toEqual(['alive']);
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

  it('keys sharing one slot: changes of different keys retry instead of failing, and each key has one holder', async () => {
    const { lock } = await slottedLock(1);
    const locks = [lock(), lock()];
    for (let round = 0; round < 5; round++) {
      const keys = Array.from({ length: 4 }, (_, k) => `shared-${round}-${k}`);
      // One taker per key, all at once in the one slot: every one of them gets its (free) key.
      const solo = await Promise.all(keys.map((key, k) => (locks[k % 2] as MongoLeaseLock).acquire(key, `solo-${k}`, 60_000)));
      expect(solo, `round ${round}`).toEqual([true, true, true, true]);
      // Three contenders per key, released keys: at most one holder per key, and a key nobody got is free.
      await Promise.all(keys.map((key, k) => (locks[k % 2] as MongoLeaseLock).release(key, `solo-${k}`)));
      const results = await Promise.all(keys.flatMap((key) => [0, 1, 2].map((c) => (locks[c % 2] as MongoLeaseLock).acquire(key, `${key}-c${c}`, 60_000).then((won) => ({ key, c, won })))));
      for (const key of keys) {
        const winners = results.filter((r) => r.key === key && r.won);
        expect(winners.length, `${key}`).toBeLessThanOrEqual(1);
        const winner = winners[0];
        expect(await (locks[0] as MongoLeaseLock).acquire(key, 'late', 60_000), key).toBe(winner === undefined);
      }
    }
  });

  it('a process that stalls between reading the lease and writing the next generation does not win a generation freed since', async () => {
    const collection = uniqueName('stall');
    const [store, peer] = tracker.openPair({ collection });
    const key = 'stalled';
    expect(await store.lock.acquire(key, 'a', 1)).toBe(true); // generation 1, expires at once
    await sleep(5);

    // Process S reads generation 1 of the key's slot (expired) and stalls before inserting generation
    // 2. Meanwhile B takes over (generation 2) and, once B's lease expired, C takes over (generation 3)
    // and deletes generation 2, which is free again when S resumes.
    expect(await peer.lock.acquire(key, 'b', 1)).toBe(true); // generation 2
    await sleep(5);
    expect(await peer.lock.acquire(key, 'c', 60_000)).toBe(true); // generation 3; generation 2 deleted
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[3, 'c']]);

    // S resumes with what it read before the stall: it inserts generation 2 (free again), re-reads,
    // sees generation 3, does not claim the lease and deletes its stray generation.
    const leases = admin.db().collection(`${collection}_leases`);
    let inserted: number | undefined;
    const resumed = new MongoLeaseLock(async () => staleView(leases, key, (gen) => (inserted = gen)));
    expect(await resumed.acquire(key, 's', 60_000)).toBe(false);
    expect(inserted).toBe(2);
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[3, 'c']]);
    expect(await store.lock.acquire(key, 'd', 60_000)).toBe(false); // C still holds it
    expect(await store.lock.acquire(key, 'c', 60_000)).toBe(true); // and can extend it
    expect((await leasesOf(collection, key)).map((l) => [l.gen, l.owner])).toEqual([[4, 'c']]);
  });
});

/**
 * The lease collection as the stalled process saw it: its first read of the key's slot returns
 * generation 1 (what it read before the stall), every other command goes to the real collection;
 * `onInsert` sees the generation it inserts.
 */
function staleView(leases: Collection<Document>, key: string, onInsert: (gen: number) => void): Collection<Document> {
  let firstRead = true;
  return new Proxy(leases, {
    get(target, property, receiver) {
      if (property === 'find' && firstRead) {
        firstRead = false;
        return () => ({ sort: () => ({ toArray: async () => [{ _id: new ObjectId(), key: slotOf(key), gen: 1, lease: sha256(key), owner: 'a', expiresAt: 0 }] }) });
      }
      if (property === 'insertOne') {
        return (document: Document) => {
          onInsert(Number(document.gen));
          return target.insertOne(document);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
