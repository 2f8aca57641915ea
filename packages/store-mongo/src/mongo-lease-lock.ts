import { leaseTtl, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import { Long, type Collection, type Document, type ObjectId } from 'mongodb';
import { lookupDigest } from './digest.js';
import { READ_OPTIONS, isWellFormed } from './documents.js';
import { isDuplicateKeyError } from './mongo-errors.js';

/** Slots the keys are spread over; what a quiet collection holds is bounded by this (see below). */
export const DEFAULT_LEASE_SLOTS = 256;
/** Tries of one acquire or release when a change of another key in the same slot took the generation. */
const SLOT_ATTEMPTS = 8;

interface LeaseDocument extends Document {
  /** The slot, `slot:<n>`: the field the unique `(key, gen)` index is on. */
  key: string;
  /** The slot's generation: every change of any lease in the slot inserts the slot's next one. */
  gen: Long | number;
  /** SHA-256 of the lock key (keys may be any length), or `record:<id digest>` for the store's own record leases. */
  lease: string;
  /** Holder, or null for a released lease. */
  owner: string | null;
  /** Epoch milliseconds (the acquiring process's clock) until which `owner` holds the key. */
  expiresAt: Long | number;
}

interface Lease {
  id: ObjectId;
  gen: number;
  lease: string;
  owner: string | null;
  expiresAt: number;
}

/** One slot's documents, newest generation first. */
interface Slot {
  top: number;
  /** The newest document of the key asked about, if any: its state. */
  current: Lease | undefined;
  all: Lease[];
}

/**
 * RefreshLock as lease documents in `<collection>_leases`, shared by every process using the store.
 *
 * Every change of a lease (take, extend, take over an expired one, release) *inserts* a document
 * `{ key: slot, gen, lease, owner, expiresAt }` under a unique index on `(key, gen)`, where `slot` is
 * one of `slots` (256) buckets the lease keys hash to and `gen` is the slot's next generation. Of
 * several processes that read the same slot and write its next generation, the unique index lets
 * exactly one insert succeed; the others read again. A key's state is its newest document.
 *
 * Why not one document updated with `findOneAndUpdate({ key, $or: [expired, mine] }, ..., { upsert })`:
 * that is atomic on MongoDB, but FerretDB 1.x evaluates the filter and writes the update in separate
 * steps, so two processes taking over the same expired lease both "win" (in a test, 165 of 200 rounds
 * with two contenders). An insert against a unique index is atomic on every server that speaks the
 * protocol, so this form is correct on MongoDB and FerretDB alike.
 *
 * The fence is the slot's highest generation, which is never deleted: a process whose insert was based
 * on a stale read (it stalled, and its generation number had been freed by a clean-up since) sees a
 * higher generation when it re-reads, and does not hold the lease (it deletes its stray document).
 * Everything below the top can go once it says nothing: a key's older documents, released tombstones
 * and expired leases of other keys in the slot. So a quiet collection holds at most one document per
 * slot (the top, usually a tombstone) plus one per lease held, however many keys were ever leased; it
 * used to keep one tombstone per key forever (a per-key generation's top could never be deleted).
 * Sharing a slot costs nothing but a retry when two keys' changes meet on the same generation.
 *
 * Expiry is judged by the clock of the process calling `acquire`; hosts sharing a store need
 * synchronized clocks (NTP), and clock skew shortens or lengthens a lease by that much.
 */
export class MongoLeaseLock implements RefreshLock {
  readonly #leases: () => Promise<Collection<Document>>;
  readonly #now: () => number;
  readonly #slots: number;
  /** Documents of the earlier per-key layout are cleared once per instance (see #clearLegacy). */
  #legacyCleared: Promise<void> | undefined;

  constructor(leases: () => Promise<Collection<Document>>, now: () => number = Date.now, slots: number = DEFAULT_LEASE_SLOTS) {
    if (!Number.isSafeInteger(slots) || slots < 1) throw new TokenStoreError('INVALID_ARGUMENT', 'MongoStore: lease slots must be a positive integer');
    this.#leases = leases;
    this.#now = now;
    this.#slots = slots;
  }

  async acquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertLeaseString(key, 'key');
    assertLeaseString(owner, 'owner');
    return this.acquireStoredKey(lookupDigest(key), owner, ttlMs);
  }

  async release(key: string, owner: string): Promise<void> {
    assertLeaseString(key, 'key');
    assertLeaseString(owner, 'owner');
    return this.releaseStoredKey(lookupDigest(key), owner);
  }

  /**
   * `acquire` for a key as stored in the documents. The store's own leases (see MongoBackend) use keys
   * such as `record:<digest>`, which the 64-hex-digit digests of app keys can never equal.
   */
  async acquireStoredKey(storedKey: string, owner: string, ttlMs: number): Promise<boolean> {
    // Core's one ttl rule (finite, > 0, clamped to 1e12 ms), so expiries stay safe integers.
    const ttl = leaseTtl(ttlMs);
    const leases = await this.#leases();
    await this.#clearLegacyOnce(leases);
    const slot = this.#slotOf(storedKey);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const seen = await this.#read(leases, slot, storedKey);
      const now = this.#now();
      const current = seen.current;
      if (current !== undefined && current.owner !== owner && current.owner !== null && current.expiresAt > now) return false;
      const gen = seen.top + 1;
      const id = await this.#insert(leases, { key: slot, gen: Long.fromNumber(gen), lease: storedKey, owner, expiresAt: Long.fromNumber(now + ttl) });
      if (id === undefined) continue; // another change in the slot took this generation: read again
      const after = await this.#read(leases, slot, storedKey);
      if (after.top !== gen) {
        // Either our read was stale (a higher generation existed before our insert: someone else may
        // hold the key) or another key's change followed ours at once; we cannot tell which, so ours
        // does not count. Our stray document goes, so nobody takes it for the key's state.
        await leases.deleteOne({ _id: { $eq: id } });
        if (after.current !== undefined && after.current.id.equals(id)) continue;
        return false;
      }
      await this.#cleanUp(leases, after.all, storedKey, gen, now);
      return true;
    }
    return false;
  }

  async releaseStoredKey(storedKey: string, owner: string): Promise<void> {
    const leases = await this.#leases();
    const slot = this.#slotOf(storedKey);
    for (let attempt = 0; attempt < SLOT_ATTEMPTS; attempt++) {
      const seen = await this.#read(leases, slot, storedKey);
      if (seen.current === undefined || seen.current.owner !== owner) return;
      const gen = seen.top + 1;
      // Released = a newer document with no owner. It is the key's newest as long as the insert took
      // the slot's next generation; a duplicate key means another change came first: read again.
      if ((await this.#insert(leases, { key: slot, gen: Long.fromNumber(gen), lease: storedKey, owner: null, expiresAt: Long.fromNumber(0) })) !== undefined) {
        await this.#cleanUp(leases, seen.all, storedKey, gen, this.#now());
        return;
      }
    }
  }

  #slotOf(storedKey: string): string {
    return `slot:${Number.parseInt(lookupDigest(storedKey).slice(0, 8), 16) % this.#slots}`;
  }

  /** The slot's documents in one query (one snapshot: the top and the key's state agree). */
  async #read(leases: Collection<Document>, slot: string, storedKey: string): Promise<Slot> {
    const documents = await leases.find({ key: { $eq: slot } }, READ_OPTIONS).sort({ gen: -1 }).toArray();
    const all = documents.map(leaseOf);
    return { top: all[0]?.gen ?? 0, current: all.find((l) => l.lease === storedKey), all };
  }

  /** The new document's id; undefined when another process created that generation first. */
  async #insert(leases: Collection<Document>, lease: LeaseDocument): Promise<ObjectId | undefined> {
    try {
      const { insertedId } = await leases.insertOne(lease);
      return insertedId as ObjectId;
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  }

  /**
   * Deletes what says nothing any more, below the generation `gen` just written (never the slot's
   * top): the key's older documents, tombstones and expired leases of other keys. One command, and
   * none when nothing qualifies.
   */
  async #cleanUp(leases: Collection<Document>, seen: readonly Lease[], storedKey: string, gen: number, now: number): Promise<void> {
    const stale = seen.filter((l) => l.gen < gen && (l.lease === storedKey || l.owner === null || l.expiresAt <= now)).map((l) => l.id);
    if (stale.length > 0) await leases.deleteMany({ _id: { $in: stale } });
  }

  async #clearLegacyOnce(leases: Collection<Document>): Promise<void> {
    this.#legacyCleared ??= clearLegacy(leases, this.#now()).catch((error: unknown) => {
      this.#legacyCleared = undefined; // tried again by the next acquire
      throw error;
    });
    await this.#legacyCleared;
  }
}

/**
 * Before slots, every key had its own generations (`{ key: <digest>, gen, owner, expiresAt }`, no
 * `lease` field), and a released key kept a tombstone forever. Those left by that layout are deleted
 * (released or expired ones only; processes of both versions must not share a store: upgrade them together).
 */
async function clearLegacy(leases: Collection<Document>, now: number): Promise<void> {
  await leases.deleteMany({ lease: { $exists: false }, $or: [{ owner: null }, { expiresAt: { $lte: Long.fromNumber(now) } }] });
}

function leaseOf(document: Document): Lease {
  const gen = Number(document.gen);
  const expiresAt = Number(document.expiresAt);
  const { owner, lease, _id: id } = document as { owner: unknown; lease: unknown; _id: ObjectId };
  if (!Number.isSafeInteger(gen) || !Number.isSafeInteger(expiresAt) || typeof lease !== 'string' || (owner !== null && typeof owner !== 'string')) {
    throw new TokenStoreError('STORE_CORRUPT', 'MongoStore: a lease document is malformed (gen, lease, expiresAt or owner)');
  }
  return { id, gen, lease, owner, expiresAt };
}

function assertLeaseString(value: string, what: string): void {
  if (!isWellFormed(value)) throw new TokenStoreError('INVALID_ARGUMENT', `MongoStore: lock ${what} is not well-formed Unicode (an unpaired surrogate)`);
}
