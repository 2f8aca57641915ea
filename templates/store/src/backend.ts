import { MemoryLock, RecordIndex, type LookupField, type RecordBackend, type TokenRecord } from '@tokenstore/core/store-kit';

/**
 * The RecordBackend of __STORE_CLASS__: the few indexed primitives the kit (RecordTokenStore) builds the
 * whole TokenStore contract on. This starting point keeps records in memory (RecordIndex, which enforces
 * unique `id` and `userName` the way a database's unique indexes would), so the generated package passes
 * its conformance suite from the first run. Replace each method body with one operation of your
 * database, keeping the rule its comment states; rerun the suite after each one.
 */
export class __STORE_CLASS__Backend implements RecordBackend {
  readonly #records = new RecordIndex('__STORE_CLASS__');
  /**
   * In-process only. A store shared by processes needs a lease in the database (see the core README).
   * A database lock may also offer `acquireAndFindRecord` and `replaceAndRelease` (optional: two
   * operations in one round trip, which the refresh engine then uses; the conformance suite checks them).
   */
  readonly lock = new MemoryLock();

  /** Every record whose `field` equals `value` byte-exactly (an indexed lookup). */
  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return this.#records.findBy(field, value);
  }

  /** A new record; a duplicate `id` or `userName` must throw STORE_CONFLICT (a unique index does). */
  async insert(record: TokenRecord): Promise<void> {
    this.#records.insert(record);
  }

  /**
   * Replaces the record with this id, only if its user name is still `expectedUserName` (null: still no
   * user), checked in the same atomic step as the write (`UPDATE ... WHERE id = ? AND user_name IS NOT
   * DISTINCT FROM ?`): two users racing for one unbound record must not both get it. False: nothing written.
   */
  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    return this.#records.replace(id, record, expectedUserName);
  }

  // replaceIfSelectable (the one-round-trip save) is optional: add it only if your database can check
  // and write in one atomic statement; the kit's ordinary path is always correct without it.

  async delete(id: string): Promise<void> {
    this.#records.delete(id);
  }

  /** Every record, in any order (the kit sorts `getTokens()` by id). */
  async list(): Promise<readonly TokenRecord[]> {
    return this.#records.list();
  }

  async clear(): Promise<void> {
    this.#records.clear();
  }

  /**
   * First-use setup: create your tables and indexes here (idempotent, safe from many processes at once).
   * The kit runs it once before the first operation, runs it again after a failure, never after close.
   */
  async setup(): Promise<void> {}

  /** Release connections here; the kit calls it once (after a running setup), and rejects calls after close for you. */
  async close(): Promise<void> {
    this.lock.clear();
  }
}
