import { generateTokenId, type LookupField, type RecordBackend, type StoreDiagnostics, type TokenRecord, TokenStoreError } from '@tokenstore/core/store-kit';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearCollection } from './clear-collection.js';
import { lookupDigest } from './digest.js';
import { insertDocuments } from './mongo-bulk.js';
import { diagnoseMongo } from './mongo-diagnose.js';
import { READ_OPTIONS, fromDocument, idFilter, isWellFormed, lookupFilter, ownerFilter, toDocument, type TokenDocument } from './documents.js';
import { LEASE_INDEXES, TOKEN_INDEXES, ensureIndexes } from './indexes.js';
import { isDuplicateKeyError, sanitizeDriverError, toStoreError } from './mongo-errors.js';
import { MongoLeaseLock } from './mongo-lease-lock.js';
import type { CollectionNames } from './names.js';

/** How long a replace of an unbound record may hold its record lease before others may take it. */
const RECORD_LEASE_TTL_MS = 5_000;
/** How long a replace waits for that lease (longer than the ttl, so a dead holder is waited out). */
const RECORD_LEASE_WAIT_MS = 7_000;

/**
 * The RecordBackend of MongoStore: one indexed command per primitive. Filters are built only as
 * `{ field: { $eq: <string> } }` (see `lookupFilter`); nothing from a token ever becomes a field name or
 * an operator.
 */
export class MongoBackend implements RecordBackend {
  readonly lock: MongoLeaseLock;
  readonly #client: MongoClient;
  readonly #ownsClient: boolean;
  readonly #db: Db;
  readonly #tokens: Collection<TokenDocument>;
  readonly #leases: Collection<Document>;

  constructor(client: MongoClient, ownsClient: boolean, names: CollectionNames) {
    this.#client = client;
    this.#ownsClient = ownsClient;
    this.#db = client.db(names.dbName);
    this.#tokens = this.#db.collection<TokenDocument>(names.collection);
    this.#leases = this.#db.collection(names.leaseCollection);
    this.lock = new MongoLeaseLock(async () => this.#leases);
  }

  /** The database in use (the client's default database when no `dbName` was given). */
  get databaseName(): string {
    return this.#db.databaseName;
  }

  /**
   * The kit's first-use setup (also MongoStore.ensureIndexes()): connects the store's own client and
   * creates both collections' indexes. Idempotent and safe from many processes at once.
   *
   * Connecting explicitly: the driver (6.x) connects by itself on the first operation, but when that
   * first attempt fails (server down at start-up) it keeps the failed topology, and every later
   * operation fails with MongoTopologyClosedError without trying again; `connect()` replaces it, and
   * the kit runs a failed setup again on the next call. Once connected, the driver reconnects by
   * itself. The app's own client is left alone: the app decides when it connects (and may have closed
   * it on purpose).
   */
  async setup(): Promise<void> {
    if (this.#ownsClient) await this.#client.connect();
    await ensureIndexes(this.#tokens, TOKEN_INDEXES);
    await ensureIndexes(this.#leases, LEASE_INDEXES);
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    // BSON cannot hold an unpaired surrogate, so no stored value equals one that has it.
    if (!isWellFormed(value)) return [];
    const tokens = this.#tokens;
    const documents = await tokens.find(lookupFilter(field, value), READ_OPTIONS).toArray();
    return documents.map(fromDocument);
  }

  async insert(record: TokenRecord): Promise<void> {
    const document = toDocument(record);
    const tokens = this.#tokens;
    try {
      await tokens.insertOne(document);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: the id or user name is already taken', { cause: sanitizeDriverError(error) });
      }
      throw error;
    }
  }

  /**
   * Replaces the record, if its owner is still `expectedUserName` (the kit's compare-and-swap).
   *
   * The condition is in the filter (`userNameDigest` equal to the expected user's digest, or absent for
   * "no user"), which MongoDB checks and writes atomically. FerretDB 1.x does not: it evaluates the
   * filter, then writes by `_id` in a separate step, so two users' saves adopting one unbound record
   * could both pass the check. So a replace of an unbound record (the only owner transition there is:
   * a bound record keeps its owner) also holds a short lease on the record, which serializes those
   * replaces on any server. Replaces of bound records need no lease and take none.
   */
  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    const { _id: _ignored, ...replacement } = toDocument({ ...record, id });
    const tokens = this.#tokens;
    const write = async (): Promise<boolean> => {
      try {
        const result = await tokens.replaceOne(ownerFilter(id, expectedUserName), replacement);
        return result.matchedCount > 0;
      } catch (error) {
        if (isDuplicateKeyError(error)) {
          throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: the user name is bound to another record', { cause: sanitizeDriverError(error) });
        }
        throw error;
      }
    };
    return expectedUserName === null ? this.#underRecordLease(id, write) : write();
  }

  /**
   * Runs `body` holding the lease `record:<id digest>`, waiting for it while another replace of the
   * same record holds it. A holder that died frees it after RECORD_LEASE_TTL_MS.
   */
  async #underRecordLease<T>(id: string, body: () => Promise<T>): Promise<T> {
    const key = `record:${lookupDigest(id)}`;
    const owner = generateTokenId();
    const deadline = Date.now() + RECORD_LEASE_WAIT_MS;
    for (let attempt = 0; !(await this.lock.acquireStoredKey(key, owner, RECORD_LEASE_TTL_MS)); attempt++) {
      if (Date.now() > deadline) throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: another save kept this record busy for too long');
      // Jittered, growing pause: contenders spread out instead of retrying in lockstep.
      await sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()));
    }
    let result: T;
    try {
      result = await body();
    } catch (error) {
      // The body's error is the one to report; an unreleased lease expires by itself.
      await this.lock.releaseStoredKey(key, owner).catch(() => undefined);
      throw error;
    }
    await this.lock.releaseStoredKey(key, owner);
    return result;
  }

  async insertMany(records: readonly TokenRecord[]): Promise<void> {
    await insertDocuments(this.#tokens, records);
  }

  async diagnose(): Promise<Omit<StoreDiagnostics, 'store'>> {
    return diagnoseMongo(this.#tokens);
  }

  async delete(id: string): Promise<void> {
    if (!isWellFormed(id)) return;
    const tokens = this.#tokens;
    await tokens.deleteOne(idFilter(id));
  }

  async list(): Promise<readonly TokenRecord[]> {
    const tokens = this.#tokens;
    const documents = await tokens.find({}, READ_OPTIONS).toArray();
    return documents.map(fromDocument);
  }

  async clear(): Promise<void> {
    await clearCollection(this.#tokens);
  }

  async close(): Promise<void> {
    // The app's own client is the app's to close.
    if (this.#ownsClient) await this.#client.close();
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation);
  }
}
