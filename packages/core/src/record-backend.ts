import type { LookupField, TokenRecord } from './token-record.js';
import type { RefreshLock } from './token-store.js';

/**
 * The handful of primitives a store provides so `RecordTokenStore` can build the six contract methods
 * (matching, upsert, conflict retry, closed state) on top. Each primitive is one indexed operation.
 *
 * Errors: throw `TokenStoreError` with code `STORE_CONFLICT` when a write breaks the uniqueness of `id`
 * or `userName` (the kit then re-reads and retries); anything else is passed to `toStoreError`.
 */
export interface RecordBackend {
  /** Every record whose `field` equals `value` exactly. */
  findBy(field: LookupField, value: string): Promise<readonly TokenRecord[]>;
  /** Inserts a new record (its id is set). */
  insert(record: TokenRecord): Promise<void>;
  /** Replaces every field of the record with this id; false when no such record exists any more. */
  replace(id: string, record: TokenRecord): Promise<boolean>;
  delete(id: string): Promise<void>;
  list(): Promise<readonly TokenRecord[]>;
  clear(): Promise<void>;
  close?(): Promise<void>;
  /** Maps a driver error to a TokenStoreError (e.g. connection refused -> STORE_UNAVAILABLE). */
  toStoreError?(error: unknown, operation: string): Error;
  readonly lock?: RefreshLock;
}
