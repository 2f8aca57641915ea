import { TokenStoreError } from './errors.js';
import { MemoryLock } from './memory-lock.js';
import type { RecordBackend } from './record-backend.js';
import { RecordTokenStore } from './record-token-store.js';
import { LOOKUP_FIELDS, type LookupField, type TokenRecord } from './token-record.js';

export interface MemoryStoreOptions {
  /** Clock for lease expiry (tests). */
  now?: () => number;
}

/**
 * A TokenStore in this process's memory: the reference implementation of the contract, and the
 * store for tests and single-process apps that can afford to log in again after a restart.
 * Its lock coordinates refreshes between Initializer instances in this process only.
 */
export class MemoryStore extends RecordTokenStore {
  constructor(options: MemoryStoreOptions = {}) {
    super(new MemoryBackend(new MemoryLock(options)), 'MemoryStore');
  }
}

/**
 * Records by id plus one hash index per lookup field, so every lookup costs O(1) whatever the size;
 * unique id and user name are enforced the way a database's unique indexes would.
 */
class MemoryBackend implements RecordBackend {
  readonly #records = new Map<string, TokenRecord>();
  readonly #indexes = new Map<LookupField, Map<string, Set<string>>>(LOOKUP_FIELDS.map((f) => [f, new Map()]));
  readonly lock: MemoryLock;

  constructor(lock: MemoryLock) {
    this.lock = lock;
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    const ids = field === 'id' ? [value] : [...(this.#indexes.get(field)?.get(value) ?? [])];
    return ids.flatMap((id) => {
      const record = this.#records.get(id);
      return record ? [{ ...record }] : [];
    });
  }

  async insert(record: TokenRecord): Promise<void> {
    const id = record.id as string;
    if (this.#records.has(id)) throw new TokenStoreError('STORE_CONFLICT', 'MemoryStore: id already exists');
    this.#assertUserFree(record, id);
    this.#put(id, record);
  }

  async replace(id: string, record: TokenRecord, expectedUserName?: string | null): Promise<boolean> {
    const current = this.#records.get(id);
    if (!current) return false;
    // Check and write in one synchronous step: nothing else runs in between.
    if (expectedUserName !== undefined && current.userName !== expectedUserName) return false;
    this.#assertUserFree(record, id);
    this.#remove(id);
    this.#put(id, record);
    return true;
  }

  async delete(id: string): Promise<void> {
    this.#remove(id);
  }

  async list(): Promise<readonly TokenRecord[]> {
    return [...this.#records.values()].map((r) => ({ ...r }));
  }

  async clear(): Promise<void> {
    this.#records.clear();
    for (const index of this.#indexes.values()) index.clear();
  }

  async close(): Promise<void> {
    this.lock.clear();
  }

  #put(id: string, record: TokenRecord): void {
    const stored = { ...record, id };
    this.#records.set(id, stored);
    for (const field of LOOKUP_FIELDS) {
      const value = stored[field];
      if (field === 'id' || value === null) continue;
      const index = this.#indexes.get(field) as Map<string, Set<string>>;
      const ids = index.get(value) ?? new Set<string>();
      ids.add(id);
      index.set(value, ids);
    }
  }

  #remove(id: string): void {
    const stored = this.#records.get(id);
    if (!stored) return;
    this.#records.delete(id);
    for (const field of LOOKUP_FIELDS) {
      const value = stored[field];
      if (field === 'id' || value === null) continue;
      const ids = this.#indexes.get(field)?.get(value);
      ids?.delete(id);
      if (ids?.size === 0) this.#indexes.get(field)?.delete(value);
    }
  }

  #assertUserFree(record: TokenRecord, id: string): void {
    if (record.userName === null) return;
    const holders = this.#indexes.get('userName')?.get(record.userName);
    if (holders && [...holders].some((other) => other !== id)) {
      throw new TokenStoreError('STORE_CONFLICT', 'MemoryStore: user name already bound to another record');
    }
  }
}
