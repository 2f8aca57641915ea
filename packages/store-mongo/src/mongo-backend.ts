import { TokenStoreError, type LookupField, type RecordBackend, type TokenRecord } from '@tokenstore/core';
import type { Collection, Db, Document, MongoClient } from 'mongodb';
import { READ_OPTIONS, fromDocument, idFilter, isWellFormed, lookupFilter, toDocument, type TokenDocument } from './documents.js';
import { LEASE_INDEXES, TOKEN_INDEXES, ensureIndexes, type IndexDefinition } from './indexes.js';
import { isDuplicateKeyError, sanitizeDriverError, toStoreError } from './mongo-errors.js';
import { MongoLeaseLock } from './mongo-lease-lock.js';
import type { CollectionNames } from './names.js';

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
  #closed = false;
  #tokensReady: Promise<Collection<TokenDocument>> | undefined;
  #leasesReady: Promise<Collection<Document>> | undefined;

  constructor(client: MongoClient, ownsClient: boolean, names: CollectionNames) {
    this.#client = client;
    this.#ownsClient = ownsClient;
    this.#db = client.db(names.dbName);
    this.#tokens = this.#db.collection<TokenDocument>(names.collection);
    this.#leases = this.#db.collection(names.leaseCollection);
    this.lock = new MongoLeaseLock(() => this.#leaseCollection());
  }

  /** The database in use (the client's default database when no `dbName` was given). */
  get databaseName(): string {
    return this.#db.databaseName;
  }

  /** Creates the indexes now (what the first operation does anyway). */
  async ensureIndexes(): Promise<void> {
    await this.#tokenCollection();
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    // BSON cannot hold an unpaired surrogate, so no stored value equals one that has it.
    if (!isWellFormed(value)) return [];
    const tokens = await this.#tokenCollection();
    const documents = await tokens.find(lookupFilter(field, value), READ_OPTIONS).toArray();
    return documents.map(fromDocument);
  }

  async insert(record: TokenRecord): Promise<void> {
    const document = toDocument(record);
    const tokens = await this.#tokenCollection();
    try {
      await tokens.insertOne(document);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: the id or user name is already taken', { cause: sanitizeDriverError(error) });
      }
      throw error;
    }
  }

  async replace(id: string, record: TokenRecord): Promise<boolean> {
    const { _id: _ignored, ...replacement } = toDocument({ ...record, id });
    const tokens = await this.#tokenCollection();
    try {
      const result = await tokens.replaceOne(idFilter(id), replacement);
      return result.matchedCount > 0;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new TokenStoreError('STORE_CONFLICT', 'MongoStore: the user name is bound to another record', { cause: sanitizeDriverError(error) });
      }
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    if (!isWellFormed(id)) return;
    const tokens = await this.#tokenCollection();
    await tokens.deleteOne(idFilter(id));
  }

  async list(): Promise<readonly TokenRecord[]> {
    const tokens = await this.#tokenCollection();
    const documents = await tokens.find({}, READ_OPTIONS).toArray();
    return documents.map(fromDocument);
  }

  async clear(): Promise<void> {
    const tokens = await this.#tokenCollection();
    await tokens.deleteMany({});
  }

  async close(): Promise<void> {
    this.#closed = true;
    // The app's own client is the app's to close.
    if (this.#ownsClient) await this.#client.close();
  }

  /**
   * Connects the store's own client when it is not connected. The driver (6.x) connects by itself on
   * the first operation, but when that first attempt fails (server down at start-up) it keeps the
   * failed topology, and every later operation fails with MongoTopologyClosedError without trying
   * again; `connect()` replaces it. Cheap when connected. The app's own client is left alone: the app
   * decides when it connects (and may have closed it on purpose).
   */
  async #connect(): Promise<void> {
    if (!this.#ownsClient) return;
    if (this.#closed) throw new TokenStoreError('STORE_CLOSED', 'MongoStore is closed');
    await this.#client.connect();
  }

  toStoreError(error: unknown, operation: string): Error {
    return toStoreError(error, operation);
  }

  async #tokenCollection(): Promise<Collection<TokenDocument>> {
    await this.#connect();
    this.#tokensReady ??= ready(this.#tokens as unknown as Collection<Document>, TOKEN_INDEXES, () => {
      this.#tokensReady = undefined;
    }) as Promise<unknown> as Promise<Collection<TokenDocument>>;
    return this.#tokensReady;
  }

  async #leaseCollection(): Promise<Collection<Document>> {
    await this.#connect();
    this.#leasesReady ??= ready(this.#leases, LEASE_INDEXES, () => {
      this.#leasesReady = undefined;
    });
    return this.#leasesReady;
  }
}

/**
 * The collection once its indexes exist. Memoized by the caller while it succeeds; a failure (server
 * down) forgets the attempt so the next operation tries again.
 */
async function ready(collection: Collection<Document>, indexes: readonly IndexDefinition[], forget: () => void): Promise<Collection<Document>> {
  try {
    await ensureIndexes(collection, indexes);
    return collection;
  } catch (error) {
    forget();
    throw error;
  }
}
