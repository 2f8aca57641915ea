import { TokenStoreError } from './errors.js';
import { LOOKUP_FIELDS, type LookupField, type TokenRecord } from './token-record.js';

/**
 * The ids holding one indexed value. Values are unique in practice (tokens, user names), so one id is
 * kept as the bare string and a Set is made only while a second record shares the value: a Set costs
 * ~150 bytes of heap, times four lookup fields per token. A Set keeps insertion order, and so does the
 * upgrade (the held id first), so lookups see the same order either way.
 */
type Holders = string | Set<string>;

/**
 * Records by id, with a hash index per lookup field so every lookup costs O(1) whatever the number of
 * tokens: the in-memory half of a RecordBackend. Uniqueness of id and user name is enforced the way a
 * database's unique indexes would: a violating write throws STORE_CONFLICT (the kit then re-reads and
 * retries). Records are kept in insertion order; a replaced record keeps its place. Records sharing an
 * indexed value are found in the order they were indexed under it (a replaced record is re-indexed).
 */
export class RecordIndex {
  readonly #store: string;
  readonly #records = new Map<string, TokenRecord>();
  readonly #indexes = new Map<LookupField, Map<string, Holders>>(LOOKUP_FIELDS.map((f) => [f, new Map()]));

  /** `store` names the store in error messages (`FileStore`). */
  constructor(store: string, records: Iterable<TokenRecord> = []) {
    this.#store = store;
    for (const record of records) this.#put(record.id as string, record);
  }

  get size(): number {
    return this.#records.size;
  }

  /** Copies of the records whose `field` is `value`. */
  findBy(field: LookupField, value: string): TokenRecord[] {
    const holders = field === 'id' ? value : this.#indexes.get(field)?.get(value);
    if (holders === undefined) return [];
    if (typeof holders === 'string') {
      const record = this.#records.get(holders);
      return record ? [{ ...record }] : [];
    }
    const found: TokenRecord[] = [];
    for (const id of holders) {
      const record = this.#records.get(id);
      if (record) found.push({ ...record });
    }
    return found;
  }

  /** Copies of every record, in order. */
  list(): TokenRecord[] {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }

  /** The records themselves, in order (insertion order, replaced records keep their place). */
  records(): IterableIterator<TokenRecord> {
    return this.#records.values();
  }

  insert(record: TokenRecord): void {
    const id = record.id as string;
    if (this.#records.has(id)) throw new TokenStoreError('STORE_CONFLICT', `${this.#store}: id already exists`);
    this.#assertUserFree(record, id);
    this.#put(id, record);
  }

  /** False when no record has this id, or its user name is not `expectedUserName` (null: unbound). */
  replace(id: string, record: TokenRecord, expectedUserName: string | null): boolean {
    const old = this.#records.get(id);
    if (!old) return false;
    if (old.userName !== expectedUserName) return false;
    this.#assertUserFree(record, id);
    this.#unindex(id, old);
    this.#put(id, record);
    return true;
  }

  /** Moves a record to the end of the order, as if it had just been inserted. */
  moveToEnd(id: string): void {
    const record = this.#records.get(id);
    if (!record) return;
    this.#records.delete(id);
    this.#records.set(id, record);
  }

  delete(id: string): boolean {
    const old = this.#records.get(id);
    if (!old) return false;
    this.#unindex(id, old);
    this.#records.delete(id);
    return true;
  }

  clear(): boolean {
    const had = this.#records.size > 0;
    this.#records.clear();
    for (const index of this.#indexes.values()) index.clear();
    return had;
  }

  #put(id: string, record: TokenRecord): void {
    const stored = { ...record, id };
    this.#records.set(id, stored);
    for (const field of LOOKUP_FIELDS) {
      const value = stored[field];
      if (field === 'id' || value === null) continue;
      const index = this.#indexes.get(field) as Map<string, Holders>;
      const holders = index.get(value);
      if (holders === undefined) index.set(value, id);
      else if (typeof holders !== 'string') holders.add(id);
      else if (holders !== id) index.set(value, new Set([holders, id]));
    }
  }

  #unindex(id: string, record: TokenRecord): void {
    for (const field of LOOKUP_FIELDS) {
      const value = record[field];
      if (field === 'id' || value === null) continue;
      const index = this.#indexes.get(field) as Map<string, Holders>;
      const holders = index.get(value);
      if (holders === undefined) continue;
      if (typeof holders === 'string') {
        if (holders === id) index.delete(value);
        continue;
      }
      // A Set always holds two ids or more: back to the bare id once one is left.
      if (holders.delete(id) && holders.size === 1) index.set(value, holders.values().next().value as string);
    }
  }

  #assertUserFree(record: TokenRecord, id: string): void {
    if (record.userName === null) return;
    const holders = this.#indexes.get('userName')?.get(record.userName);
    if (holders === undefined) return;
    const taken = typeof holders === 'string' ? holders !== id : [...holders].some((other) => other !== id);
    if (taken) {
      throw new TokenStoreError('STORE_CONFLICT', `${this.#store}: user name already bound to another record`);
    }
  }
}
