import { userMayMatch } from './matching.js';
import { MemoryLock } from './memory-lock.js';
import type { RecordBackend } from './record-backend.js';
import { RecordIndex } from './record-index.js';
import { RecordTokenStore } from './record-token-store.js';
import type { LookupField, TokenRecord } from './token-record.js';

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
 * Records by id plus one hash index per lookup field (RecordIndex), so every lookup costs O(1)
 * whatever the size; unique id and user name are enforced the way a database's unique indexes would.
 * `list()` gives records in the order of their last write; the kit sorts them by id.
 */
class MemoryBackend implements RecordBackend {
  readonly #index = new RecordIndex('MemoryStore');
  readonly lock: MemoryLock;

  constructor(lock: MemoryLock) {
    this.lock = lock;
  }

  async findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]> {
    return this.#index.findBy(field, value);
  }

  async insert(record: TokenRecord): Promise<void> {
    this.#index.insert(record);
  }

  async replace(id: string, record: TokenRecord, expectedUserName: string | null): Promise<boolean> {
    // Check and write in one synchronous step: nothing else runs in between.
    if (!this.#index.replace(id, record, expectedUserName)) return false;
    this.#index.moveToEnd(id);
    return true;
  }

  async replaceIfSelectable(record: TokenRecord): Promise<boolean> {
    const id = record.id as string;
    const [current] = this.#index.findBy('id', id);
    // The id selects the record for this user: unbound, or bound to this very user (userMayMatch).
    // Check and write in one synchronous step, like replace.
    if (current === undefined || !userMayMatch(record.userName, current.userName)) return false;
    return this.replace(id, record, current.userName);
  }

  async delete(id: string): Promise<void> {
    this.#index.delete(id);
  }

  async list(): Promise<readonly TokenRecord[]> {
    return this.#index.list();
  }

  async clear(): Promise<void> {
    this.#index.clear();
  }

  async close(): Promise<void> {
    this.lock.clear();
  }
}
