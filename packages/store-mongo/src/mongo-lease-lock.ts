import { leaseTtl, TokenStoreError, type RefreshLock } from '@tokenstore/core/store-kit';
import { Long, type Collection, type Document } from 'mongodb';
import { lookupDigest } from './digest.js';
import { READ_OPTIONS, isWellFormed } from './documents.js';
import { isDuplicateKeyError } from './mongo-errors.js';

interface LeaseDocument extends Document {
  /** SHA-256 of the lock key (keys may be any length), or `record:<id digest>` for the store's own record leases. */
  key: string;
  /** Generation: 1 for the first lease of a key, +1 for every later acquire or release. */
  gen: Long | number;
  /** Holder, or null for a released lease. */
  owner: string | null;
  /** Epoch milliseconds (the acquiring process's clock) until which `owner` holds the key. */
  expiresAt: Long | number;
}

interface Lease {
  gen: number;
  owner: string | null;
  expiresAt: number;
}

/**
 * RefreshLock as lease documents in `<collection>_leases`, shared by every process using the store.
 *
 * Every change of a key's lease (take, extend, take over an expired one, release) *inserts* the key's
 * next generation, `{ key, gen: current + 1, owner, expiresAt }`, under a unique index on
 * `(key, gen)`. Of several processes that read the same current generation and try to write the next
 * one, the unique index lets exactly one insert succeed; the others get a duplicate-key error and
 * `false`. The current lease is the highest generation.
 *
 * Why not one document updated with `findOneAndUpdate({ key, $or: [expired, mine] }, ..., { upsert })`:
 * that is atomic on MongoDB, but FerretDB 1.x evaluates the filter and writes the update in separate
 * steps, so two processes taking over the same expired lease both "win" (in a test, 165 of 200 rounds
 * with two contenders). An insert against a unique index is atomic on every server that speaks the
 * protocol, so this form is correct on MongoDB and FerretDB alike.
 *
 * Older generations are deleted as a key moves on, so a key keeps one or two documents. The highest
 * generation is never deleted (a released key keeps a tombstone with no owner): if it were, a process
 * that read an old generation could insert a number that had become free again and believe it won. A
 * process that was that slow still loses: after inserting it re-reads the current generation and holds
 * the lease only if that is its own.
 *
 * Expiry is judged by the clock of the process calling `acquire`; hosts sharing a store need
 * synchronized clocks (NTP), and clock skew shortens or lengthens a lease by that much.
 */
export class MongoLeaseLock implements RefreshLock {
  readonly #leases: () => Promise<Collection<Document>>;
  readonly #now: () => number;

  constructor(leases: () => Promise<Collection<Document>>, now: () => number = Date.now) {
    this.#leases = leases;
    this.#now = now;
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
    const current = await this.#current(leases, storedKey);
    const now = this.#now();
    if (current !== null && current.owner !== owner && current.owner !== null && current.expiresAt > now) return false;
    const gen = (current?.gen ?? 0) + 1;
    const expiresAt = now + ttl;
    if (!(await this.#insert(leases, { key: storedKey, gen: Long.fromNumber(gen), owner, expiresAt: Long.fromNumber(expiresAt) }))) return false;
    // A process that stalled since reading `current` may have inserted a generation that an earlier
    // clean-up had freed; then a higher generation exists and the lease is not ours.
    const after = await this.#current(leases, storedKey);
    if (after?.gen !== gen || after.owner !== owner) return false;
    await this.#deleteBelow(leases, storedKey, gen);
    return true;
  }

  async releaseStoredKey(storedKey: string, owner: string): Promise<void> {
    const leases = await this.#leases();
    const current = await this.#current(leases, storedKey);
    if (current === null || current.owner !== owner) return;
    const gen = current.gen + 1;
    // Released = a newer generation with no owner. A duplicate key means another process wrote the
    // next generation first (it took over the expired lease, or the owner extended it): nothing to release.
    if (await this.#insert(leases, { key: storedKey, gen: Long.fromNumber(gen), owner: null, expiresAt: Long.fromNumber(0) })) {
      await this.#deleteBelow(leases, storedKey, gen);
    }
  }

  async #current(leases: Collection<Document>, storedKey: string): Promise<Lease | null> {
    const [document] = await leases.find({ key: { $eq: storedKey } }, READ_OPTIONS).sort({ gen: -1 }).limit(1).toArray();
    if (document === undefined) return null;
    const gen = Number(document.gen);
    const expiresAt = Number(document.expiresAt);
    const owner: unknown = document.owner;
    if (!Number.isSafeInteger(gen) || !Number.isSafeInteger(expiresAt) || (owner !== null && typeof owner !== 'string')) {
      throw new TokenStoreError('STORE_CORRUPT', 'MongoStore: a lease document is malformed (gen, expiresAt or owner)');
    }
    return { gen, owner, expiresAt };
  }

  /** True when this insert created the generation; false when another process created it first. */
  async #insert(leases: Collection<Document>, lease: LeaseDocument): Promise<boolean> {
    try {
      await leases.insertOne(lease);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async #deleteBelow(leases: Collection<Document>, storedKey: string, gen: number): Promise<void> {
    await leases.deleteMany({ key: { $eq: storedKey }, gen: { $lt: Long.fromNumber(gen) } });
  }
}

function assertLeaseString(value: string, what: string): void {
  if (!isWellFormed(value)) throw new TokenStoreError('INVALID_ARGUMENT', `MongoStore: lock ${what} is not well-formed Unicode (an unpaired surrogate)`);
}
